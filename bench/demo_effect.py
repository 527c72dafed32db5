"""The demo with and without issue 13's features (same seed): met rates and the experiments page.

Builds `unmentor demo` twice in temporary SQLite databases, once as before the features
(everyone every round, no free times, no picked times) and once with them, and prints the met
rate of each (groups of closed rounds where someone said they met), the difference, and the
experiments figures of the demo with the features. The effect is the demo's assumed behaviour
model (unmentor/demo_behaviour.py) measured back, not an observation of real people.

    python bench/demo_effect.py [--people 320] [--rounds 8] [--seed 2026] [--today 2026-11-30]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from unmentor.db import Database, upgrade
from unmentor.demo import build_demo
from unmentor.rounds.experiments import Experiments, conversations, experiments, wilson
from unmentor.settings import load_settings


def build(
    *, features: bool, args: argparse.Namespace, folder: Path
) -> tuple[int, int, Experiments]:
    """Met and all conversations of closed rounds, and the experiments, of one demo."""
    url = f"sqlite:///{folder / ('with.db' if features else 'without.db')}"
    upgrade(url)
    database = Database(url)
    try:
        build_demo(
            database=database,
            settings=load_settings(database_url=url),
            people=args.people,
            rounds=args.rounds,
            seed=args.seed,
            today=args.today,
            features=features,
        )
        with database.read_session() as session:
            found = conversations(session=session)
            figures = experiments(session=session)
    finally:
        database.dispose()
    return sum(c.met for c in found), len(found), figures


def _rate(met: int, total: int) -> str:
    low, high = wilson(met, total)
    return f"{met / total:.1%} ({met} of {total}; 95% interval {low:.1%} to {high:.1%})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=320)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    args = parser.parse_args()
    print(
        f"unmentor demo: {args.people} people, {args.rounds} rounds, seed {args.seed}, "
        f"today {args.today}"
    )
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        met_without, all_without, _ = build(features=False, args=args, folder=Path(folder))
        met_with, all_with, figures = build(features=True, args=args, folder=Path(folder))
        seconds = time.perf_counter() - started
    rate_without, rate_with = met_without / all_without, met_with / all_with
    print(f"  without the features: met rate {_rate(met_without, all_without)}")
    print(f"  with the features:    met rate {_rate(met_with, all_with)}")
    difference = (rate_with - rate_without) * 100
    print(f"  difference: {difference:+.1f} points (both built in {seconds:.1f} s)")
    print()
    print(f"Experiments of the demo with the features ({figures.conversations} conversations):")
    for comparison in figures.comparisons:
        print(f"  {comparison.title}")
        for side in comparison.sides:
            rate = f"{side.met_rate:.0%}" if side.met_rate is not None else "-"
            interval = f"{side.low:.0%}-{side.high:.0%}" if side.conversations else "-"
            print(
                f"    {side.label:<34} {side.conversations:>4} conversations  "
                f"{side.met:>4} met  {rate:>4}  ({interval})"
            )
        print(f"    {comparison.sentence}")
    print(f"  {figures.method}")


if __name__ == "__main__":
    main()
