"""Likely duplicate organisations: how the search grows with the number of organisations.

    .venv/bin/python bench/duplicates.py [--sizes 500 1000 2000 4000]

Builds a SQLite database with N organisations (realistic council, trust and charity names,
one member each, a few written two ways), runs `likely_duplicates` once per size and prints
seconds, the ratio to the previous size (4.0 per doubling means all-against-all, as it is),
and how many of the planted duplicates were found.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from unmentor.clock import utcnow
from unmentor.db import Database, upgrade
from unmentor.people.models import Organisation, Participant
from unmentor.people.normalise import organisation_key
from unmentor.people.organisations import likely_duplicates

STARTS = ["Mar", "Tol", "Ash", "Brad", "Ken", "Wes", "Hal", "Pen", "Stow", "Lang", "Nor", "Sut"]
ENDS = ["bridge", "ham", "ford", "ton", "wick", "by", "stead", "mouth", "field", "worth"]
KINDS = ["County Council", "City Council", "NHS Trust", "Library", "Food Bank", "Housing"]


def community(n: int, rng: random.Random) -> tuple[list[str], int]:
    names: set[str] = set()
    while len(names) < n:
        place = rng.choice(STARTS) + rng.choice(ENDS)
        if rng.random() < 0.7:
            place = f"{rng.choice(['North', 'South', 'East', 'West', 'Upper'])} {place}"
        names.add(f"{place} {rng.choice(KINDS)} {rng.choice(['', 'Trust', 'Partnership'])}".strip())
    ordered = sorted(names)
    planted = 0
    for i in range(0, len(ordered), 50):  # one in fifty is also written with initials
        words = ordered[i].split()
        short = " ".join([*words[:-2], "".join(w[0] for w in words[-2:]).upper()])
        if short.casefold() not in {name.casefold() for name in names}:
            names.add(short)
            ordered.append(short)
            planted += 1
    return ordered, planted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    args = parser.parse_args()
    rng = random.Random(1)
    previous = None
    print(f"{'orgs':>6} {'seconds':>8} {'ratio':>6} {'pairs':>6} {'planted found':>14}")
    for size in args.sizes:
        names, planted = community(size, rng)
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            upgrade(url)
            database = Database(url)
            now = utcnow()
            with database.session() as session:
                session.exec(
                    insert(Organisation),
                    params=[
                        {"name": n, "name_key": organisation_key(n), "created_at": now}
                        for n in names
                    ],
                )
                ids = [o.id for o in session.exec(Organisation.__table__.select())]
                session.exec(
                    insert(Participant),
                    params=[
                        {
                            "name": f"P{i}",
                            "email": f"p{i}@gmail.com",
                            "organisation_id": oid,
                            "status": "active",
                            "created_at": now,
                            "updated_at": now,
                        }
                        for i, oid in enumerate(ids)
                    ],
                )
            with database.read_session() as session:
                start = time.perf_counter()
                found = likely_duplicates(session=session, webmail=frozenset({"gmail.com"}))
                seconds = time.perf_counter() - start
            database.dispose()
        found_planted = sum(1 for d in found if d.reason == "abbreviation")
        ratio = "" if previous is None else f"{seconds / previous:.1f}"
        row = f"{len(names):>6} {seconds:>8.2f} {ratio:>6} {len(found):>6}"
        print(f"{row} {found_planted:>7}/{planted}")
        previous = seconds


if __name__ == "__main__":
    main()
