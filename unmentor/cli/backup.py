"""Copies of the database: to PostgreSQL (`db copy`), and backups (`backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unmentor.cli.common import fail, open_database


def db_copy(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="The new, empty PostgreSQL database, e.g. "
            "postgresql+psycopg://unmentor@db.example.org/unmentor",
        ),
    ],
) -> None:
    """Copy the configured SQLite database into an empty PostgreSQL one (the way to grow).

    \b
    Migrates the target, refuses one that holds data, copies every table with its ids in
    batches (one transaction: all or nothing), checks the row counts, and sets the id
    counters so that new ids continue after every id SQLite ever gave out. Then set
    database_url to the new URL. Stop the service first: changes made during the copy
    stay behind in SQLite.
    """
    from sqlalchemy.exc import OperationalError

    from unmentor.backup.copy import copy_database

    with open_database() as (settings, _):
        last: dict[str, int] = {}

        def show(table: str, done: int, total: int) -> None:
            if done == total:
                typer.echo(f"  {table}: {total} rows")
            elif done - last.get(table, 0) >= 50_000:
                last[table] = done
                typer.echo(f"  {table}: {done} of {total} rows ...")

        try:
            copied = copy_database(source_url=settings.database_url, target_url=to, progress=show)
        except OperationalError as error:
            raise fail(f"could not use the target database: {error.orig}") from None
    typer.echo(
        f"Copied {copied.rows} rows in {len(copied.tables)} tables; every count checked. "
        "Now set database_url (or UNMENTOR_DATABASE_URL) to the new database."
    )


def backup_command(
    file: Annotated[Path, typer.Argument(help="Where to write the backup (replaced if there).")],
) -> None:
    """Write a consistent copy of the database to FILE, while the service runs.

    \b
    SQLite: the online backup API (writers are not held up), checked with
    PRAGMA integrity_check; FILE is an ordinary SQLite database (copy it back over
    unmentor.db, with the service stopped, to restore).
    PostgreSQL: pg_dump --format=custom (restore with pg_restore); pg_dump must be on PATH.
    Backups hold personal data, and erasing someone does not reach backups made before:
    keep them safe and few.
    """
    from unmentor.backup.snapshot import backup

    with open_database() as (settings, _):
        written = backup(settings.database_url, file)
    typer.echo(f"Backed up to {written} ({written.stat().st_size} bytes).")
