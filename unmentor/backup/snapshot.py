"""Backups while the service runs, and the daily backup job's files.

SQLite: the online backup API copies the database page by page from one read transaction,
so the copy is consistent and writers are never blocked (WAL); the copy is written beside
the target, checked with `PRAGMA integrity_check`, then renamed into place, so a FILE that
exists is always whole. PostgreSQL: `pg_dump`, which does the same from its own snapshot.
Backups hold personal data: files are made readable by their owner only, and erasure cannot
reach a backup made before it, so keep few (`backup_keep`).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from unmentor.errors import Conflict

PREFIX = "unmentor-"
# Only files the job itself named are ever deleted.
MADE_BY_THE_JOB = re.compile(r"^unmentor-\d{8}-\d{6}\.(db|dump)$")


def _sqlite_path(database_url: str) -> Path:
    path = make_url(database_url).database
    if not path or path == ":memory:":
        raise Conflict("an in-memory database has nothing to back up.")
    return Path(path)


def backup_sqlite(database_url: str, target: Path) -> Path:
    """A consistent, checked copy of the SQLite database at `target`."""
    source_path = _sqlite_path(database_url)
    if not source_path.exists():
        raise Conflict(f"{source_path} does not exist: nothing to back up.")
    if target.resolve() == source_path.resolve():
        raise Conflict(f"{target} is the database itself: choose another file.")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        os.chmod(partial, 0o600)
        # All pages in one step: one read transaction, so the copy is one moment's database.
        # (In steps, each write by another connection would restart the copy.)
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, nothing beside it
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise Conflict(f"the copy failed its integrity check ({result}); nothing was kept.")
    except BaseException:
        copy.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    copy.close()
    os.replace(partial, target)
    return target


def pg_dump_command() -> str:
    """Where pg_dump is; Conflict with advice when it is not on PATH."""
    found = shutil.which("pg_dump")
    if found is None:
        raise Conflict(
            "backing up PostgreSQL needs pg_dump, which is not on PATH: install the PostgreSQL "
            "client tools (Debian: apt-get install postgresql-client), or back up with the "
            "tools of your PostgreSQL service."
        )
    return found


def backup_postgres(database_url: str, target: Path) -> Path:
    """`pg_dump --format=custom` of the database into `target` (restore with pg_restore)."""
    command = pg_dump_command()
    url = make_url(database_url)
    # Credentials through the environment, never on a command line other users can see.
    environment = dict(os.environ)
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            environment[name] = str(value)
    partial = target.with_name(f".{target.name}.partial")
    partial.touch(mode=0o600)
    finished = subprocess.run(
        [command, "--format=custom", "--no-owner", f"--file={partial}"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        partial.unlink(missing_ok=True)
        detail = finished.stderr.strip().splitlines()[-1:] or ["no message"]
        raise Conflict(f"pg_dump failed: {detail[0]}")
    os.replace(partial, target)
    return target


def backup(database_url: str, target: Path) -> Path:
    """A consistent copy of the database at `target`, on SQLite or PostgreSQL."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if database_url.startswith("sqlite"):
        return backup_sqlite(database_url, target)
    return backup_postgres(database_url, target)


def timestamped(directory: Path, database_url: str, now: datetime) -> Path:
    """The daily job's file name: sortable by time, with the format as extension."""
    extension = "db" if database_url.startswith("sqlite") else "dump"
    return directory / f"{PREFIX}{now:%Y%m%d-%H%M%S}.{extension}"


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups the job made in `directory`; the deleted."""
    made = sorted(
        path
        for path in directory.glob(f"{PREFIX}*")
        if MADE_BY_THE_JOB.match(path.name) and path.is_file()
    )
    old = made[:-keep] if keep > 0 else made
    for path in old:
        path.unlink(missing_ok=True)
    return old
