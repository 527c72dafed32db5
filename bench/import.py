"""Importing a 100,000-row participant CSV into an empty SQLite database, end to end.

Prints the time for `import_file` (read, check every row, one transaction of bulk inserts)
and, measured in the same run, its ratio to the least any import could do: csv.reader feeding
executemany into a plain table of the same columns on the same kind of database. Then imports
the file again (every row already there) to time the idempotent case. Target: < 15 s (SQLite).

    python bench/import.py [--rows 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, text
from sqlmodel import select

from unmentor.db import Database, upgrade
from unmentor.people.models import Participant
from unmentor.settings import load_settings
from unmentor.transfer.service import import_file

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 1, 9, tzinfo=UTC)
TARGET_SECONDS = 15


def write_people(path: Path, rows: int) -> None:
    """A realistic export: 800 organisations, a few spellings of each header, some blanks."""
    rng = random.Random(1)
    sectors = ["Health", "Local government", "Education", "Charity", "", "Police"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Full name", "E-mail address", "Organization", "Sector", "Date joined"])
        for n in range(rows):
            writer.writerow(
                [
                    f"Person {n} Example",
                    f"Person.{n}@Example{n % 97}.org",
                    f"Organisation {rng.randrange(800)}",
                    rng.choice(sectors),
                    f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/2024",
                ]
            )


def bare_sqlite(path: Path, database: Path) -> float:
    """csv.reader + executemany into one plain table, one transaction: the floor."""
    start = time.perf_counter()
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE people (name, email, organisation, sector, joined)")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        with connection:
            connection.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?)", rows)
    connection.close()
    return time.perf_counter() - start


def bare_postgres(path: Path, url: str) -> float:
    """The same floor on PostgreSQL: csv.reader + executemany into a temporary table."""
    engine = create_engine(url)
    start = time.perf_counter()
    with engine.begin() as connection, path.open(encoding="utf-8", newline="") as handle:
        connection.execute(
            text(
                "CREATE TEMPORARY TABLE people (name text, email text, organisation text, "
                "sector text, joined text)"
            )
        )
        rows = csv.reader(handle)
        next(rows)
        keys = ("name", "email", "organisation", "sector", "joined")
        connection.execute(
            text("INSERT INTO people VALUES (:name, :email, :organisation, :sector, :joined)"),
            [dict(zip(keys, row, strict=True)) for row in rows],
        )
    engine.dispose()
    return time.perf_counter() - start


def time_import(database: Database, settings, path: Path) -> tuple[float, list[str]]:
    start = time.perf_counter()
    result = import_file(database=database, settings=settings, path=path, now=NOW)
    return time.perf_counter() - start, result.changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="also run against this (empty, migrated) database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.csv"
        write_people(path, args.rows)
        with path.open(encoding="utf-8", newline="") as handle:
            baseline_rows = sum(1 for _ in csv.reader(handle))
        urls = [("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}")]
        if args.postgres:
            urls.append(("PostgreSQL", args.postgres))
        size = path.stat().st_size / 1e6
        print(f"{args.rows:,} participants, {size:.1f} MB CSV")
        for label, url in urls:
            if label == "SQLite":
                baseline = bare_sqlite(path, Path(folder) / "bare.db")
            else:
                baseline = bare_postgres(path, url)
            upgrade(url)
            settings = load_settings(config_file=REPO / "config.toml", database_url=url)
            database = Database(url)
            try:
                first, changes = time_import(database, settings, path)
                second, again = time_import(database, settings, path)
                with database.read_session() as session:
                    stored = session.exec(select(func.count()).select_from(Participant)).one()
            finally:
                database.dispose()
            assert stored == args.rows, f"{stored} participants stored"
            verdict = "OK" if first < TARGET_SECONDS else "OVER TARGET"
            if label != "SQLite":
                verdict = "no target"
            print(
                f"{label}: import {first:.2f} s, csv.reader + executemany {baseline:.2f} s "
                f"(ratio {first / baseline:.1f}x, "
                f"{args.rows / first:,.0f} rows/s) [{verdict} < {TARGET_SECONDS} s]; "
                f"{' '.join(changes)}"
            )
            print(f"{label}: same file again {second:.2f} s; {' '.join(again)}")
        assert baseline_rows == args.rows + 1


if __name__ == "__main__":
    main()
