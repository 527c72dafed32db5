"""`unmentor backup FILE` while the service writes, and the daily backup job's retention."""

from __future__ import annotations

import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from tests.factories import make_participant
from unmentor.db import Database


def _writing(database: Database, stop: threading.Event, written: list[int]) -> None:
    while not stop.is_set():
        with database.session() as session:
            make_participant(session, organisation=None)
        written.append(1)


def test_a_backup_taken_during_writes_is_whole(cli, sqlite_url, tmp_path: Path) -> None:
    database = Database(sqlite_url)
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_writing, args=(database, stop, written))
    writer.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        results = [
            cli("backup", str(tmp_path / f"copy{n}.db"), database_url=sqlite_url) for n in range(3)
        ]
    finally:
        stop.set()
        writer.join()
    total = len(written)
    database.dispose()
    counts = []
    for n, result in enumerate(results):
        assert result.exit_code == 0, result.output
        path = tmp_path / f"copy{n}.db"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # personal data: the owner's only
        assert not list(tmp_path.glob(f".copy{n}.db*"))
        with sqlite3.connect(path) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            counts.append(copy.execute("SELECT count(*) FROM participant").fetchone()[0])
    assert 20 <= counts[0] <= counts[1] <= counts[2] <= total
    itself = cli("backup", sqlite_url.removeprefix("sqlite:///"), database_url=sqlite_url)
    assert itself.exit_code == 1
    assert "is the database itself" in itself.output


def test_the_daily_job_keeps_the_newest_backups(cli, sqlite_url, tmp_path: Path) -> None:
    off = cli("jobs", "run", "backup", database_url=sqlite_url)
    assert "off (backup_dir is empty)" in off.output
    folder = tmp_path / "backups"
    folder.mkdir()
    older = [folder / f"unmentor-2026010{day}-023000.db" for day in (1, 2, 3)]
    for path in older:
        path.write_bytes(b"old")
    others = [folder / "unmentor-by-hand.db", folder / "notes.txt"]
    for path in others:
        path.write_text("not the job's")
    result = cli(
        "jobs", "run", "backup", database_url=sqlite_url, backup_dir=str(folder), backup_keep="2"
    )
    assert "2 old backups deleted" in result.output, result.output
    kept = sorted(path.name for path in folder.iterdir())
    new = [
        name
        for name in kept
        if name.startswith("unmentor-2") and name not in {p.name for p in older}
    ]
    assert len(new) == 1
    assert kept == sorted([older[-1].name, new[0], *(p.name for p in others)])
    with sqlite3.connect(folder / new[0]) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_postgresql_backups_use_pg_dump(
    cli, postgres_database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = cli("backup", str(tmp_path / "pg.dump"), database_url=postgres_database)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pg.dump").read_bytes().startswith(b"PGDMP")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    missing = cli("backup", str(tmp_path / "again.dump"), database_url=postgres_database)
    assert missing.exit_code == 1
    assert "needs pg_dump, which is not on PATH" in missing.output
    assert not (tmp_path / "again.dump").exists()
