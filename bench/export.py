"""Export and restore of 100,000 people and 12 rounds, each beside a bare baseline.

Fills a SQLite database with bulk inserts (800 organisations, 100,000 active people, 12
closed rounds of pairs with answers, reasons and answer times), then times, in the same run:

- `export_all` (every CSV file and unmentor.json) against the bare baseline: csv.writer over
  plain SELECTs of the people and of the round members (with their emails), nothing else;
- `restore` of that export into an empty migrated database against the bare baseline:
  sqlite3 executemany of the same participant and round-member rows into an empty migrated
  database, in one transaction (the same schema and triggers, no checks, no id counters).

    python bench/export.py [--people 100000] [--rounds 12] [--postgres URL]

With --postgres, the restore is also timed into that (empty) PostgreSQL database, and the
export from it.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert

from unmentor.db import Database, upgrade
from unmentor.people.models import Organisation, Participant
from unmentor.rounds.models import Round, RoundMember
from unmentor.transfer.exporting import export_all
from unmentor.transfer.restore import restore

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.loadkit import temporary_postgres_database  # noqa: E402

NOW = datetime(2026, 11, 1, 9, tzinfo=UTC)
CHUNK = 20_000


def fill(url: str, people: int, rounds: int) -> int:
    """The community, written in bulk; returns the number of member rows."""
    rng = random.Random(1)
    engine = create_engine(url)
    members = 0
    with engine.begin() as connection:
        connection.execute(
            insert(Organisation),
            [
                {
                    "id": n,
                    "name": f"Organisation {n}",
                    "name_key": f"organisation {n}",
                    "created_at": NOW,
                }
                for n in range(1, 801)
            ],
        )
        for start in range(1, people + 1, CHUNK):
            connection.execute(
                insert(Participant),
                [
                    {
                        "id": n,
                        "name": f"Person {n} Example",
                        "email": f"person.{n}@example{n % 97}.org",
                        "organisation_id": rng.randrange(1, 801),
                        "sector": rng.choice(["Health", "Education", "Charity", None]),
                        "status": "active",
                        "joined_on": date(2024, 1, 1) + timedelta(days=n % 700),
                        "created_at": NOW - timedelta(minutes=n),
                        "updated_at": NOW,
                    }
                    for n in range(start, min(start + CHUNK, people + 1))
                ],
            )
        ids = list(range(1, people + 1))
        for number in range(1, rounds + 1):
            starts = date(2025, number, 1)
            connection.execute(
                insert(Round),
                [
                    {
                        "id": number,
                        "number": number,
                        "period": f"2025-{number:02d}",
                        "starts_on": starts,
                        "reminder_on": starts + timedelta(days=14),
                        "closes_on": starts + timedelta(days=25),
                        "seed": number,
                        "formed_at": datetime.combine(starts, datetime.min.time(), UTC),
                        "closed_at": datetime.combine(starts, datetime.min.time(), UTC)
                        + timedelta(days=25),
                    }
                ],
            )
            rng.shuffle(ids)
            rows = []
            for group, index in enumerate(range(0, people - 1, 2), start=1):
                roll = rng.random()
                outcome = "met" if roll < 0.65 else "not_met" if roll < 0.8 else "unconfirmed"
                for pid in ids[index : index + 2]:
                    rows.append(
                        {
                            "round_id": number,
                            "group_no": group,
                            "participant_id": pid,
                            "outcome": outcome,
                            "reason": "no_time" if outcome == "not_met" else None,
                            "answered_at": None if outcome == "unconfirmed" else NOW,
                            "reminded_at": None,
                        }
                    )
            for start in range(0, len(rows), CHUNK):
                connection.execute(insert(RoundMember), rows[start : start + CHUNK])
            members += len(rows)
    engine.dispose()
    return members


def bare_export(path: Path, folder: Path) -> None:
    """csv.writer over plain SELECTs: the floor any export of these rows stands on."""
    folder.mkdir()
    connection = sqlite3.connect(path)
    with (folder / "participants.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            connection.execute(
                "SELECT p.id, p.name, p.email, o.name, p.sector, p.joined_on, p.status, "
                "p.paused_until, p.created_at, p.updated_at FROM participant p "
                "LEFT JOIN organisation o ON o.id = p.organisation_id"
            )
        )
    with (folder / "members.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            connection.execute(
                "SELECT m.round_id, m.group_no, p.email, m.outcome, m.reason, m.answered_at, "
                "m.reminded_at FROM round_member m JOIN participant p ON p.id = m.participant_id"
            )
        )
    connection.close()


def bare_restore(source: Path, target: Path) -> None:
    """executemany of the same rows into an empty migrated database, in one transaction."""
    read = sqlite3.connect(source)
    people = read.execute("SELECT * FROM participant").fetchall()
    members = read.execute(
        "SELECT round_id, group_no, participant_id, outcome, reason, answered_at, reminded_at "
        "FROM round_member"
    ).fetchall()
    organisations = read.execute("SELECT * FROM organisation").fetchall()
    rounds = read.execute("SELECT * FROM round").fetchall()
    read.close()
    write = sqlite3.connect(target, isolation_level=None)
    write.execute("PRAGMA journal_mode=WAL")
    write.execute("PRAGMA synchronous=NORMAL")
    write.execute("BEGIN")
    write.executemany("INSERT INTO organisation VALUES (?, ?, ?, ?)", organisations)
    write.executemany(f"INSERT INTO participant VALUES ({', '.join('?' * 10)})", people)
    write.executemany(f"INSERT INTO round VALUES ({', '.join('?' * 9)})", rounds)
    write.executemany(
        "INSERT INTO round_member (round_id, group_no, participant_id, outcome, reason, "
        "answered_at, reminded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        members,
    )
    write.execute("COMMIT")
    write.close()


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument(
        "--postgres", help="also restore into a new database on this PostgreSQL server (dropped)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        empty = folder / "empty.db"
        upgrade(f"sqlite:///{empty}")
        source = folder / "source.db"
        shutil.copyfile(empty, source)
        start = time.perf_counter()
        members = fill(f"sqlite:///{source}", args.people, args.rounds)
        print(
            f"{args.people:,} people, {args.rounds} rounds, {members:,} member rows "
            f"(filled in {time.perf_counter() - start:.1f} s)"
        )

        database = Database(f"sqlite:///{source}")
        exporting = timed(lambda: export_all(database=database, directory=folder / "export"))
        database.dispose()
        bare = timed(lambda: bare_export(source, folder / "bare-export"))
        size = (folder / "export" / "unmentor.json").stat().st_size / 1e6
        print(
            f"SQLite export: {exporting:.2f} s (6 CSV files + {size:.0f} MB unmentor.json); "
            f"csv.writer over plain SELECTs {bare:.2f} s; ratio {exporting / bare:.1f}x"
        )

        target = folder / "restored.db"
        shutil.copyfile(empty, target)
        database = Database(f"sqlite:///{target}")
        restoring = timed(lambda: restore(database=database, path=folder / "export"))
        database.dispose()
        bare_target = folder / "bare.db"
        shutil.copyfile(empty, bare_target)
        bare = timed(lambda: bare_restore(source, bare_target))
        print(
            f"SQLite restore: {restoring:.2f} s; executemany of the same rows {bare:.2f} s; "
            f"ratio {restoring / bare:.1f}x"
        )

        if args.postgres:
            with temporary_postgres_database(args.postgres, prefix="unmentor_bench") as url:
                database = Database(url)
                restoring = timed(lambda: restore(database=database, path=folder / "export"))
                exporting = timed(lambda: export_all(database=database, directory=folder / "pg"))
                database.dispose()
            same = (folder / "pg" / "unmentor.json").read_bytes() == (
                folder / "export" / "unmentor.json"
            ).read_bytes()
            print(
                f"PostgreSQL: restore {restoring:.2f} s, export {exporting:.2f} s; "
                f"unmentor.json identical to SQLite's: {same}"
            )


if __name__ == "__main__":
    main()
