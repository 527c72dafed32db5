"""Real servers and a real crowd, shared by the load tests and bench/load.py.

The server runs as `unmentor serve` in a child process and the crowd in another (an asyncio
httpx client), so neither shares a GIL with the other or with the test: what is measured is
what a deployment would see over loopback.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
from sqlalchemy import insert

REPO = Path(__file__).resolve().parents[1]
BARE_APP = Path(__file__).with_name("bare_app.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- servers ---------------------------------------------------------------------------------


def server_environment(database_url: str, **settings: object) -> dict[str, str]:
    """The environment of a served unmentor: its database, and settings as UNMENTOR_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNMENTOR_")}
    env.update(
        {
            "UNMENTOR_CONFIG": str(REPO / "config.toml"),
            "UNMENTOR_DATABASE_URL": database_url,
            "UNMENTOR_SECRET_KEY": "load-secret-key-0123456789abcdef",
            "UNMENTOR_ORGANISER_TOKEN": "load-organiser-token-0123456789",
            "UNMENTOR_MAIL_BACKEND": "file",
        }
    )
    env.update({f"UNMENTOR_{k.upper()}": str(v) for k, v in settings.items()})
    return env


@dataclass
class Served:
    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not answer within {timeout} s")


@contextmanager
def serve(
    database_url: str, *, workers: int = 1, log_path: Path | None = None, **settings: object
) -> Iterator[Served]:
    """`unmentor serve --no-scheduler --workers N` on a free port, stopped afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "unmentor.cli", "serve", "--no-scheduler", "--port", str(port)]
    command += ["--workers", str(workers)]
    yield from _run(command, port, server_environment(database_url, **settings), log_path)


@contextmanager
def serve_bare(database_url: str, *, workers: int = 1) -> Iterator[Served]:
    """The bare FastAPI endpoint of tests/bare_app.py: the baseline the ratios divide by."""
    port = free_port()
    command = [sys.executable, str(BARE_APP), database_url, str(port), str(workers)]
    yield from _run(command, port, server_environment(database_url), None)


def _run(command, port, env, log_path):
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=log)
    served = Served(url=f"http://127.0.0.1:{port}", process=process)
    try:
        _wait_until_up(served.url, process)
        yield served
    finally:
        served.stop()
        if log_path:
            log.close()


# --- the crowd -------------------------------------------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    json: dict | None = None
    data: dict | None = None
    headers: dict | None = None


@dataclass
class LoadResult:
    """What a crowd saw: statuses, latencies (seconds) and transport failures."""

    name: str
    in_flight: int
    seconds: float
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)  # exceptions by type: time-outs, resets
    retry_after: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.failures.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500 and status != 503)

    @property
    def unavailable(self) -> int:
        return self.statuses.get(503, 0)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def ok(self, status: int) -> int:
        return self.statuses.get(status, 0)

    def line(self) -> str:
        statuses = " ".join(f"{s}:{n}" for s, n in sorted(self.statuses.items()))
        failed = " ".join(f"{k}:{n}" for k, n in sorted(self.failures.items()))
        return (
            f"{self.name:<34} {self.in_flight:>4} {self.requests:>6} {self.throughput:>8.1f}/s "
            f"p50 {self.percentile(50) * 1000:>7.1f} ms  p99 {self.percentile(99) * 1000:>7.1f} ms"
            f"  [{statuses}]{'  failed ' + failed if failed else ''}"
        )


class _Connection:
    """One keep-alive HTTP/1.1 connection, spoken by hand.

    httpx's async client tops out near 100 requests a second on these machines (measured: a
    bare /healthz gave 110/s through it and 1,060/s through this), which would make the crowd,
    not the server, the thing measured.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, call: Call) -> tuple[int, dict[str, str]]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        body = b""
        headers = {"Host": f"{self.host}:{self.port}", **(call.headers or {})}
        if call.json is not None:
            body = json.dumps(call.json).encode()
            headers["Content-Type"] = "application/json"
        elif call.data is not None:
            body = urlencode(call.data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Content-Length"] = str(len(body))
        head = f"{call.method} {call.path} HTTP/1.1\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items()
        )
        self.writer.write(head.encode() + b"\r\n" + body)
        await self.writer.drain()
        status_line, *lines = (await self.reader.readuntil(b"\r\n\r\n")).decode().split("\r\n")
        received = {}
        for line in lines:
            if ":" in line:
                name, value = line.split(":", 1)
                received[name.strip().lower()] = value.strip()
        if received.get("transfer-encoding") == "chunked":
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        else:
            await self.reader.readexactly(int(received.get("content-length", "0")))
        if received.get("connection") == "close":
            self.close()
        return int(status_line.split()[1]), received

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _crowd(
    name: str, base_url: str, calls: list[Call], in_flight: int, timeout: float
) -> LoadResult:
    address = urlsplit(base_url)
    result = LoadResult(name=name, in_flight=in_flight, seconds=0.0)
    queue: asyncio.Queue[Call] = asyncio.Queue()
    for call in calls:
        queue.put_nowait(call)

    async def worker() -> None:
        connection = _Connection(address.hostname, address.port)
        while True:
            try:
                call = queue.get_nowait()
            except asyncio.QueueEmpty:
                connection.close()
                return
            started = time.perf_counter()
            try:
                status, headers = await asyncio.wait_for(connection.request(call), timeout)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as error:
                result.failures[type(error).__name__] += 1
                connection.close()
                continue
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] += 1
            if status == 503:
                result.retry_after.append(headers.get("retry-after", ""))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    result.seconds = time.perf_counter() - started
    return result


def _crowd_in_process(args) -> LoadResult:
    return asyncio.run(_crowd(*args))


def crowd(
    name: str, base_url: str, calls: list[Call], *, in_flight: int, timeout: float = 60
) -> LoadResult:
    """Send `calls` with `in_flight` at a time from a separate process; what it saw."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_crowd_in_process, (name, base_url, calls, in_flight, timeout)).result()


# --- what a crowd sends ----------------------------------------------------------------------


def answer_calls(tokens: list[str], *, outcome: str = "met", reason: str | None = None):
    """One answer per member token, as their emailed link would post it."""
    answer = {"outcome": outcome} | ({"reason": reason} if reason else {})
    return [Call("POST", "/api/v1/outcomes", json={"token": t, **answer}) for t in tokens]


def one_link_calls(token: str, count: int) -> list[Call]:
    """One member's link posted `count` times, alternating "met" and "not met, cancelled"."""
    met = {"token": token, "outcome": "met"}
    not_met = {"token": token, "outcome": "not_met", "reason": "cancelled"}
    return [Call("POST", "/api/v1/outcomes", json=not_met if i % 2 else met) for i in range(count)]


def signup_calls(count: int, *, prefix: str = "crowd") -> list[Call]:
    """`count` sign-ups of new people, all to one organisation."""
    return [
        Call(
            "POST",
            "/api/v1/signups",
            json={
                "name": f"Crowd {i}",
                "email": f"{prefix}{i}@example.org",
                "organisation": "Org 7",
            },
        )
        for i in range(count)
    ]


def picture_calls(count: int) -> list[Call]:
    return [Call("GET", "/public/network.svg") for _ in range(count)]


def suggestion_calls(count: int) -> list[Call]:
    """The organisation field's suggestions, as everyone signing up types "or", "org" ..."""
    typed = ("or", "org", "org%201", "orgg", "xy")
    return [
        Call("GET", f"/api/v1/organisation-suggestions?q={typed[i % len(typed)]}")
        for i in range(count)
    ]


# --- data ------------------------------------------------------------------------------------


@contextmanager
def temporary_postgres_database(admin_url: str, *, prefix: str = "unmentor_load") -> Iterator[str]:
    """A migrated PostgreSQL database of its own beside `admin_url`'s, dropped afterwards."""
    from sqlalchemy import create_engine, make_url, text

    from unmentor.db import upgrade

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)


def settings_for(database_url: str):
    """The settings a served unmentor on `database_url` runs with (see server_environment)."""
    from unmentor.settings import load_settings

    env = server_environment(database_url)
    return load_settings(
        config_file=env["UNMENTOR_CONFIG"],
        database_url=database_url,
        secret_key=env["UNMENTOR_SECRET_KEY"],
        organiser_token=env["UNMENTOR_ORGANISER_TOKEN"],
        mail_backend="file",
    )


def form_open_round(database_url: str, *, people: int) -> dict[str, int]:
    """An open round of `people` on `database_url`: each member's answer token -> member id."""
    from unmentor.db import Database

    database = Database(database_url)
    try:
        return open_round(database, settings_for(database_url), people=people)
    finally:
        database.dispose()


def open_round(database, settings, *, people: int, organisations: int = 40) -> dict[str, int]:
    """`people` active participants and this period's round formed; token -> member id."""
    from unmentor.people.models import Organisation, Participant
    from unmentor.rounds.forming import form_round
    from unmentor.rounds.models import RoundMember
    from unmentor.rounds.tokens import outcome_token

    with database.engine.begin() as connection:
        org_ids = [
            connection.execute(
                insert(Organisation).returning(Organisation.id),
                {"name": f"Org {i}", "name_key": f"org {i}", "created_at": NOW},
            ).scalar_one()
            for i in range(organisations)
        ]
        connection.execute(
            insert(Participant),
            [
                {
                    "name": f"Load Person {i}",
                    "email": f"load{i}@example.org",
                    "organisation_id": org_ids[i % organisations],
                    "status": "active",
                    "created_at": NOW,
                    "updated_at": NOW,
                    "joined_on": NOW.date(),
                }
                for i in range(people)
            ],
        )
    formed = form_round(database=database, settings=settings, today=NOW.date(), now=NOW)
    with database.read_session() as session:
        members = session.exec(
            RoundMember.__table__.select().where(RoundMember.round_id == formed.round.id)
        ).all()
    secret = settings.secret_key.get_secret_value()
    return {outcome_token(secret, m.round_id, m.participant_id): m.id for m in members}
