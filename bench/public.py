"""Public pictures and organiser stats of a 10,000-person, 12-round network, served for real.

Builds the network (viz.synthetic, bulk-loaded by unmentor.network.synthetic) in a temporary
SQLite database, and in a temporary PostgreSQL database when one answers at
UNMENTOR_TEST_POSTGRES_URL, starts the real app with uvicorn on a thread of this process, and
times over HTTP (httpx, keep-alive; the client shares this process's GIL with the server):

- the first (cold) drawing of /public/network.svg: network read, layouts, SVG, in the worker;
- a cached public picture, and the same with If-None-Match (304), against /static/style.css;
- organiser stats (/api/v1/stats), first and cached, against /healthz;
- the first request after a change nothing public shows (a sign-up): reload, no drawing;
- in process, the data-version check (one read session, one primary-key read) against
  `SELECT 1` in the same kind of session.

Each figure is the median of a bounded number of runs; ratios are to the baseline measured in
the same run. Targets: cached picture < 20 ms, cached stats < 200 ms.

    python bench/public.py [--people 10000] [--rounds 12] [--runs 50] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from sqlalchemy import create_engine, make_url, text  # noqa: E402

from unmentor.app import create_app  # noqa: E402
from unmentor.dataversion import current_version  # noqa: E402
from unmentor.db import Database, upgrade  # noqa: E402
from unmentor.network.synthetic import load_community  # noqa: E402
from unmentor.people.models import Organisation, Participant  # noqa: E402
from unmentor.settings import load_settings  # noqa: E402
from viz.synthetic import synthetic_community  # noqa: E402

TOKEN = "bench-organiser-token-0123456789"
POSTGRES_URL = os.environ.get(
    "UNMENTOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TARGETS_MS = {"cached picture": 20.0, "cached stats": 200.0}
TIME_BOX_SECONDS = 20  # per repeated measurement, whatever --runs says


def timed(call, runs: int) -> list[float]:
    """Seconds per call, `runs` times or until the time box is spent (at least 3)."""
    samples: list[float] = []
    deadline = time.monotonic() + TIME_BOX_SECONDS
    while len(samples) < runs and (len(samples) < 3 or time.monotonic() < deadline):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def once(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def serve(app) -> tuple[uvicorn.Server, threading.Thread, str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


def ok(response: httpx.Response, status: int = 200) -> httpx.Response:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text[:200]}")
    return response


def measure(label: str, url: str, args, folder: Path) -> list[tuple]:
    """Rows of (what, ms, baseline, baseline ms) for one database."""
    upgrade(url)
    database = Database(url)
    community = synthetic_community(args.people, args.rounds, seed=1)
    load = once(lambda: load_community(database=database, community=community))
    print(
        f"{label}: {args.people:,} people, {len(community.links):,} links, loaded in {load:.1f} s"
    )
    settings = load_settings(
        config_file=REPO / "config.toml",
        database_url=url,
        organiser_token=TOKEN,
        secret_key="bench-secret-key-0123456789abcdef",
        mail_backend="file",
        mail_dir=folder / "mail",
    )
    server, thread, base = serve(create_app(settings, database=database))
    rows = []
    try:
        with httpx.Client(base_url=base, timeout=300) as http:
            organiser = {"Authorization": f"Bearer {TOKEN}"}
            ok(http.get("/healthz"))
            static = timed(lambda: ok(http.get("/static/style.css")), args.runs)
            health = timed(lambda: ok(http.get("/healthz")), args.runs)
            cold = once(lambda: ok(http.get("/public/network.svg")))
            picture = ok(http.get("/public/network.svg"))
            cached = timed(lambda: ok(http.get("/public/network.svg")), args.runs)
            tag = {"If-None-Match": picture.headers["etag"]}
            revalidated = timed(
                lambda: ok(http.get("/public/network.svg", headers=tag), 304), args.runs
            )
            stats_cold = once(lambda: ok(http.get("/api/v1/stats", headers=organiser)))
            stats = timed(lambda: ok(http.get("/api/v1/stats", headers=organiser)), args.runs)
            with database.session() as session:  # a sign-up: the version moves, no public change
                org = session.exec(Organisation.__table__.select().limit(1)).first()
                session.add(
                    Participant(name="New Person", email="new@example.org", organisation_id=org.id)
                )
            images = server.config.app.state.images
            builds = images.cache.builds
            reload = once(lambda: ok(http.get("/public/network.svg")))
            redrawn = images.cache.builds - builds
        with database.read_session() as session:
            version = timed(lambda: current_version(session=session), args.runs * 10)
            select_1 = timed(lambda: session.exec(text("SELECT 1")).one(), args.runs * 10)
        # A read session of its own per check, as each request takes.
        version_session = timed(lambda: _version_in_new_session(database), args.runs * 4)
        select_session = timed(lambda: _select_in_new_session(database), args.runs * 4)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        database.dispose()
    ms = statistics.median
    rows += [
        ("cold picture (first drawing)", cold, "static file", ms(static)),
        ("cached picture", ms(cached), "static file", ms(static)),
        ("cached picture, 304", ms(revalidated), "static file", ms(static)),
        ("first stats", stats_cold, "/healthz", ms(health)),
        ("cached stats", ms(stats), "/healthz", ms(health)),
        (f"after a sign-up ({redrawn} drawn)", reload, "static file", ms(static)),
        ("version check, open session", ms(version), "SELECT 1", ms(select_1)),
        ("version check, new session", ms(version_session), "SELECT 1", ms(select_session)),
    ]
    print_table(label, rows, len(picture.content))
    return rows


def _version_in_new_session(database: Database) -> int:
    with database.read_session() as session:
        return current_version(session=session)


def _select_in_new_session(database: Database) -> int:
    with database.read_session() as session:
        return session.exec(text("SELECT 1")).one()


def print_table(label: str, rows: list[tuple], picture_bytes: int) -> None:
    print(f"\n{label} (medians; picture {picture_bytes / 1e6:.1f} MB SVG)")
    print(f"  {'measurement':34s} {'ms':>10s}   {'baseline':12s} {'ms':>8s} {'ratio':>9s}  target")
    for what, seconds, baseline, base_seconds in rows:
        target = TARGETS_MS.get(what)
        verdict = ""
        if target is not None:
            verdict = f"< {target:.0f} ms " + ("met" if seconds * 1000 < target else "MISSED")
        print(
            f"  {what:34s} {seconds * 1000:10.2f}   {baseline:12s} {base_seconds * 1000:8.3f} "
            f"{seconds / base_seconds:8.1f}x  {verdict}"
        )


def postgres_database() -> tuple[str, object] | None:
    """A fresh PostgreSQL database of our own, or None when no server answers."""
    try:
        admin = create_engine(
            POSTGRES_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to connect means "no PostgreSQL here"
        print(f"PostgreSQL not reachable at {POSTGRES_URL} ({type(error).__name__}): skipped")
        return None
    name = f"unmentor_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False), (
        admin,
        name,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", args, Path(folder))
        found = None if args.no_postgres else postgres_database()
        if found:
            url, (admin, name) = found
            try:
                measure("PostgreSQL", url, args, Path(folder))
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
