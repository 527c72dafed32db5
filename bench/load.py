"""The service under a crowd: answers, sign-ups and public pictures over real HTTP.

For SQLite (one `unmentor serve`, then `--workers 2`) and PostgreSQL (`--workers 2`, when
reachable), starts the real server on a temporary database and drives it from a second process
over loopback. Each scenario prints throughput, p50/p99 latency and every status seen; the
baseline is a bare FastAPI endpoint doing the same single-row write on the same database, in
the same run (tests/bare_app.py), and the ratio is the figure to read.

Targets (issue 9): 0 errors (no 5xx, no time-outs); p99 under 1 s at 50 in flight; outcome
posts at no less than half the bare endpoint's throughput.

    python bench/load.py [--requests 200] [--postgres URL] [--only sqlite|sqlite2|postgres]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402

from tests.loadkit import (  # noqa: E402
    Call,
    answer_calls,
    crowd,
    form_open_round,
    one_link_calls,
    picture_calls,
    serve,
    serve_bare,
    signup_calls,
    temporary_postgres_database,
)
from unmentor.db import upgrade  # noqa: E402

POSTGRES_URL = os.environ.get(
    "UNMENTOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# Sign-ups come from one address here; the per-client limit would turn them into 429s.
GENEROUS_LIMITS = {"signup_limit_per_client": 1_000_000, "signup_limit_per_email": 1_000_000}


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'load.db'}"
        upgrade(url)
        yield url


def postgres_unreachable(url: str) -> str | None:
    """Why PostgreSQL cannot be used here, or None when it can."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:  # no server, no rights: the PostgreSQL rows are skipped, said so
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"


def run(label: str, url: str, workers: int, requests: int) -> None:
    members = form_open_round(url, people=max(requests, 60))
    tokens, member_ids = list(members), list(members.values())
    posts = answer_calls(tokens[:requests])
    one_link = one_link_calls(tokens[0], requests)
    pictures = picture_calls(requests)
    bare = [Call("POST", f"/bare/{member_ids[i % len(member_ids)]}") for i in range(requests)]

    print(f"\n== {label}: {workers} worker(s), {requests} requests per row")
    print(f"{'scenario':<34} {'in':>4} {'sent':>6} {'rate':>10}")
    with serve_bare(url, workers=workers) as served:
        baseline = {n: crowd("bare write", served.url, bare, in_flight=n) for n in (50, 200)}
    with serve(url, workers=workers, **GENEROUS_LIMITS) as served:
        # Each worker keeps its own cache: enough at once that every worker draws its own.
        crowd("warm-up", served.url, pictures[:40], in_flight=20)
        for in_flight in (50, 200):
            base = baseline[in_flight]
            print(base.line())
            answers = crowd("outcome posts", served.url, posts, in_flight=in_flight)
            print(answers.line(), f"  x{answers.throughput / base.throughput:.2f} of bare")
            print(
                crowd(
                    "one link posted over and over", served.url, one_link, in_flight=in_flight
                ).line()
            )
            signups = signup_calls(requests, prefix=f"crowd{in_flight}-")
            print(crowd("sign-ups", served.url, signups, in_flight=in_flight).line())
            print(crowd("cached public picture", served.url, pictures, in_flight=in_flight).line())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres", default=POSTGRES_URL)
    parser.add_argument(
        "--only", choices=["sqlite", "sqlite2", "postgres"], help="run one configuration"
    )
    args = parser.parse_args()
    if args.only in (None, "sqlite"):
        with sqlite_database() as url:
            run("SQLite", url, 1, args.requests)
    if args.only in (None, "sqlite2"):
        with sqlite_database() as url:
            run("SQLite", url, 2, args.requests)
    if args.only in (None, "postgres"):
        problem = postgres_unreachable(args.postgres)
        if problem:
            print(f"\nPostgreSQL: skipped ({problem})")
            return
        with temporary_postgres_database(args.postgres) as url:
            run("PostgreSQL", url, 2, args.requests)


if __name__ == "__main__":
    main()
