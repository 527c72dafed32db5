"""Sending 10,000 emails from the outbox to an SMTP server, against a bare smtplib loop.

Prints, for SQLite and (when reachable) PostgreSQL: the relay's time and throughput for
10,000 outbox messages (one claim and one record per message, over one SMTP connection) and
its ratio to a bare smtplib loop sending the same 10,000 messages (built the same way, with no
database) over one connection to the same server, measured in the same run. The server is an
aiosmtpd sink in a second process, counting what it receives. Target: within 2x of the bare
loop.

    python bench/mail.py [--messages 10000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import smtplib
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import create_engine, func, insert, make_url, select, text

from unmentor.db import Database, upgrade
from unmentor.mail.models import OutboxMessage
from unmentor.mail.relay import build_message, deliver_pending
from unmentor.mail.transports import SmtpTransport
from unmentor.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 1, 9, tzinfo=UTC)
SENDER = "UnMentor <unmentor@example.org>"
TIME_LIMIT = 300  # seconds per run; the bench stops rather than run on

SINK = """
import socket, sys
from aiosmtpd.controller import Controller

class Sink:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 OK"

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
print(port, flush=True)
for line in sys.stdin:  # "count" asks how many arrived; end of input stops the sink
    print(Sink.count, flush=True)
controller.stop()
"""


class Sink:
    """An aiosmtpd server in a second process, so it does not share our interpreter's GIL."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SINK], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.port = int(self.process.stdout.readline())

    def received(self) -> int:
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


def body(i: int) -> str:
    """An introduction-sized body (about 1 kB) with a link, like the real emails."""
    return (
        f"Hello Person {i},\n\nThis month you are meeting Someone {i + 1} from Org {i % 40}.\n"
        + "Please find half an hour to talk in the next few weeks. " * 12
        + f"\n\nDid you meet? https://unmentor.example.org/outcome?token={'x' * 60}{i}\n"
    )


def queue(database: Database, messages: int) -> list[SimpleNamespace]:
    rows = [
        {
            "idempotency_key": f"bench:{i}",
            "to_address": f"p{i}@example.org",
            "subject": f"Your UnMentor conversation this month ({i})",
            "body": body(i),
            "created_at": NOW,
            "send_after": NOW,
            "attempts": 0,
        }
        for i in range(messages)
    ]
    with database.engine.begin() as connection:
        connection.execute(insert(OutboxMessage), rows)
    return [SimpleNamespace(**row) for row in rows]


def bare_loop(rows: list[SimpleNamespace], port: int) -> float:
    """Seconds for plain smtplib to build and send `rows` over one connection."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for row in rows:
            smtp.send_message(build_message(row, sender=SENDER))
            if time.perf_counter() - started > TIME_LIMIT:
                raise SystemExit("bare loop ran out of time")
    return time.perf_counter() - started


def run(label: str, url: str, messages: int, sink: Sink) -> None:
    upgrade(url)
    database = Database(url)
    settings = load_settings(
        REPO / "config.toml",
        database_url=url,
        mail_backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=sink.port,
        mail_from=SENDER,
    )
    rows = queue(database, messages)
    before = sink.received()
    bare = bare_loop(rows, sink.port)
    assert sink.received() - before == messages, "the sink did not get every bare message"
    transport = SmtpTransport(settings)
    started = time.perf_counter()
    report = deliver_pending(
        database=database, transport=transport, sender=SENDER, run_seconds=TIME_LIMIT
    )
    relay = time.perf_counter() - started
    with database.read_engine.connect() as connection:
        sent = connection.execute(
            select(func.count()).where(OutboxMessage.sent_at.is_not(None))
        ).scalar_one()
    database.dispose()
    received = sink.received() - before - messages
    assert report.sent == sent == received == messages, (report, sent, received)
    ratio = relay / bare
    verdict = "ok" if ratio <= 2 else "MISSED"
    print(
        f"{label:<10} messages {messages:>6}  relay {relay:6.2f}s ({messages / relay:6.0f}/s, "
        f"{transport.connections} connection)  bare smtplib {bare:6.2f}s "
        f"({messages / bare:6.0f}/s)  ratio {ratio:4.2f}x  [target: ratio <= 2: {verdict}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "UNMENTOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    sink = Sink()
    try:
        with tempfile.TemporaryDirectory() as folder:
            run("sqlite", f"sqlite:///{folder}/bench.db", args.messages, sink)
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
            run("postgresql", url, args.messages, sink)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        sink.stop()


if __name__ == "__main__":
    main()
