"""Who rests (rhythm) and the experiments page, at 100,000 people with 6 closed rounds (SQLite).

Prints the time of `rhythm.resting` (run by every round's forming and preview) and of
`experiments` (the organiser's /organiser/experiments and GET /api/v1/stats/experiments),
and the ratio of the latter to a bare read of the same member rows in the same run.

    python bench/experiments.py [--people 100000] [--rounds 6]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime

from sqlalchemy import insert, select

from unmentor.db import Database, upgrade
from unmentor.people.models import Participant
from unmentor.rounds import rhythm
from unmentor.rounds.experiments import experiments
from unmentor.rounds.models import Round, RoundMember


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade(url)
    database = Database(url)
    rng = random.Random(1)
    with database.session() as session:
        session.exec(
            insert(Participant),
            params=[
                {
                    "name": f"P{i}",
                    "email": f"p{i}@example.org",
                    "status": "active",
                    "sector": rng.choice(["Health", "Local government", None]),
                    "rhythm": rng.choice([1, 1, 2, 3]),
                }
                for i in range(args.people)
            ],
        )
        for n in range(1, args.rounds + 1):
            day = date(2026, n, 1)
            round_ = Round(
                number=n,
                period=f"2026-{n:02d}",
                starts_on=day,
                reminder_on=day,
                closes_on=day,
                seed=0,
                closed_at=datetime(2026, n, 2, tzinfo=UTC),
            )
            session.add(round_)
            session.flush()
            session.exec(
                insert(RoundMember),
                params=[
                    {
                        "round_id": round_.id,
                        "group_no": i // 2 + 1,
                        "participant_id": i + 1,
                        "outcome": rng.choice(["met", "not_met", "unconfirmed"]),
                    }
                    for i in range(args.people)
                ],
            )
    with database.read_session() as session:
        start = time.perf_counter()
        resting = rhythm.resting(session=session, next_number=args.rounds + 1)
        rest_time = time.perf_counter() - start
        start = time.perf_counter()
        session.connection().execute(select(RoundMember.__table__)).all()
        bare = time.perf_counter() - start
        start = time.perf_counter()
        found = experiments(session=session)
        took = time.perf_counter() - start
    print(f"resting: {len(resting)} of {args.people} people in {rest_time:.2f} s")
    print(
        f"experiments: {found.conversations} conversations in {took:.2f} s, "
        f"{took / bare:.1f}x a bare read of the member rows ({bare:.2f} s)"
    )


if __name__ == "__main__":
    main()
