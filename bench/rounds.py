"""Forming a round for 100,000 people with 12 earlier rounds, end to end through the database.

Prints, for SQLite and (when reachable) PostgreSQL: the time to form the round (history query,
matching, members, sit-outs, introduction emails, one transaction) and its ratio to a bare
executemany of the same rows into the same tables, measured in the same run. Targets: within
5x of that baseline and under 60 s.

    python bench/rounds.py [--people 100000] [--history 12] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, insert, make_url, select, text

from unmentor.db import Database, upgrade
from unmentor.mail.models import OutboxMessage
from unmentor.people.models import Organisation, Participant
from unmentor.rounds.forming import form_round
from unmentor.rounds.models import Round, RoundMember, RoundSitOut
from unmentor.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 1, 9, tzinfo=UTC)


def populate(database: Database, people: int, history_rounds: int, rng) -> None:
    """Participants in 500 organisations of skewed sizes, and `history_rounds` past rounds."""
    sizes = rng.zipf(1.6, 500).astype(float)
    org_of = rng.choice(500, size=people, p=sizes / sizes.sum())
    with database.engine.begin() as connection:
        connection.execute(
            insert(Organisation),
            [{"name": f"Org {i}", "name_key": f"org {i}", "created_at": NOW} for i in range(500)],
        )
        connection.execute(
            insert(Participant),
            [
                {
                    "name": f"Person {i}",
                    "email": f"p{i}@example.org",
                    "organisation_id": int(org_of[i]) + 1,
                    "status": "active",
                    "created_at": NOW,
                    "updated_at": NOW,
                    "joined_on": date(2025, 1, 1),
                }
                for i in range(people)
            ],
        )
        for r in range(history_rounds):
            period = f"{2025 + r // 12:04d}-{r % 12 + 1:02d}"
            round_id = connection.execute(
                insert(Round).returning(Round.id),
                {
                    "number": r + 1,
                    "period": period,
                    "starts_on": date.fromisoformat(period + "-01"),
                    "reminder_on": date.fromisoformat(period + "-15"),
                    "closes_on": date.fromisoformat(period + "-26"),
                    "seed": r,
                    "formed_at": NOW,
                    "closed_at": NOW,
                },
            ).scalar_one()
            order = rng.permutation(people) + 1  # random pairs; a few share an org, fine here
            connection.execute(
                insert(RoundMember),
                [
                    {
                        "round_id": round_id,
                        "group_no": i // 2 + 1,
                        "participant_id": int(pid),
                        "outcome": "met",
                    }
                    for i, pid in enumerate(order[: people - people % 2])
                ],
            )


def bare_executemany(database: Database, round_number: int) -> float:
    """Seconds to insert the formed round's rows again, plainly, in a transaction rolled back."""
    with database.read_engine.connect() as connection:
        round_id = connection.execute(select(Round.id).where(Round.number == round_number)).scalar()
        members = [
            dict(r._mapping)
            for r in connection.execute(
                select(RoundMember.group_no, RoundMember.participant_id).where(
                    RoundMember.round_id == round_id
                )
            )
        ]
        sitouts = [
            dict(r._mapping)
            for r in connection.execute(
                select(RoundSitOut.participant_id, RoundSitOut.reason).where(
                    RoundSitOut.round_id == round_id
                )
            )
        ]
        columns = (
            OutboxMessage.idempotency_key,
            OutboxMessage.participant_id,
            OutboxMessage.to_address,
            OutboxMessage.subject,
            OutboxMessage.body,
        )
        emails = [dict(r._mapping) for r in connection.execute(select(*columns))]
    connection = database.engine.connect()
    transaction = connection.begin()
    started = time.perf_counter()
    new_round = connection.execute(
        insert(Round).returning(Round.id),
        {
            "number": 10_000,
            "period": "bench",
            "starts_on": date(2030, 1, 1),
            "reminder_on": date(2030, 1, 1),
            "closes_on": date(2030, 1, 2),
            "seed": 0,
            "formed_at": NOW,
        },
    ).scalar_one()
    connection.execute(insert(RoundMember), [{**m, "round_id": new_round} for m in members])
    if sitouts:
        connection.execute(insert(RoundSitOut), [{**s, "round_id": new_round} for s in sitouts])
    connection.execute(
        insert(OutboxMessage),
        [
            {
                **e,
                "idempotency_key": e["idempotency_key"] + ":bench",
                "created_at": NOW,
                "send_after": NOW,
                "attempts": 0,
            }
            for e in emails
        ],
    )
    took = time.perf_counter() - started
    transaction.rollback()
    connection.close()
    return took


def run(label: str, url: str, people: int, history: int) -> None:
    upgrade(url)
    database = Database(url)
    settings = load_settings(REPO / "config.toml", database_url=url)
    rng = np.random.default_rng(12)
    t0 = time.perf_counter()
    populate(database, people, history, rng)
    setup = time.perf_counter() - t0
    started = time.perf_counter()
    formed = form_round(
        database=database, settings=settings, today=date(2026, 11, 2), now=NOW, seed=1
    )
    forming = time.perf_counter() - started
    baseline = bare_executemany(database, formed.round.number)
    database.dispose()
    verdict = "ok" if forming / baseline <= 5 and forming < 60 else "MISSED"
    print(
        f"{label:<10} people {people:>7}  history {history:>2} rounds  setup {setup:6.1f}s  "
        f"form {forming:6.2f}s  executemany {baseline:6.2f}s  ratio {forming / baseline:5.2f}x  "
        f"placed {formed.placed} sat out {formed.sat_out}  "
        f"[target: ratio <= 5 and form < 60 s: {verdict}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=12)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "UNMENTOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", f"sqlite:///{folder}/bench.db", args.people, args.history)
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    name = f"unmentor_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no server: say so and stop
        print(f"postgresql skipped: {type(error).__name__}: {error}".splitlines()[0])
        return
    try:
        url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        run("postgresql", url, args.people, args.history)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
