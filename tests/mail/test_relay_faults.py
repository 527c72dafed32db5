"""The relay under faults, end to end: a hung SMTP server never slows the site down, and a
relay process killed mid-run repeats at most the one message it was handing over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from tests.conftest import Mailbox, free_port, start_server
from tests.smtp_servers import HungServer, StallsOnData, smtp_server
from unmentor.app import create_app
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.mail.compose import Email
from unmentor.mail.models import OutboxMessage
from unmentor.mail.outbox import enqueue
from unmentor.mail.relay import CLAIM_FOR, deliver_pending
from unmentor.mail.transports import SmtpTransport

REPO = Path(__file__).resolve().parents[2]
SENDER = "UnMentor <unmentor@example.org>"


def _rows(database: Database) -> list[OutboxMessage]:
    with database.read_session() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def _p99(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.timeout(120)
def test_a_hung_smtp_server_leaves_pages_and_api_responsive(make_settings) -> None:
    hung = HungServer()
    port = free_port()
    settings = make_settings(
        base_url=f"http://127.0.0.1:{port}",
        smtp_port=hung.port,
        smtp_timeout_seconds=1,
        signup_limit_per_client=1000,
    )
    database = Database(settings.database_url)
    server, thread = start_server(
        create_app(settings, database=database, run_mail_relay=True), port
    )
    try:
        latencies = []
        with httpx.Client(base_url=settings.base_url, timeout=10) as http:
            for i in range(60):
                signup = {"name": f"Person {i}", "email": f"p{i}@example.org", "organisation": "O"}
                assert http.post("/api/v1/signups", json=signup).status_code == 202
            for i in range(400):
                started = time.perf_counter()
                reply = http.get("/" if i % 2 else "/healthz")
                latencies.append(time.perf_counter() - started)
                assert reply.status_code == 200
        assert hung.accepted, "the relay never tried the hung server: the test proved nothing"
        assert _p99(latencies) < 0.2, f"p99 {_p99(latencies) * 1000:.0f} ms"
        rows = _rows(database)
        assert len(rows) == 60
        assert all(row.sent_at is None and row.attempts == 0 for row in rows), "mail waits"

        hung.stop()  # the server comes back, on the same port, and answers
        mailbox = Mailbox()
        with smtp_server(mailbox, port=hung.port):
            for i in range(60):
                mailbox.wait_for(f"p{i}@example.org", timeout=30)
        assert len(mailbox.messages) == 60
        assert all(row.sent_at is not None for row in _rows(database))
    finally:
        hung.stop()
        server.should_exit = True
        thread.join(timeout=10)
        database.dispose()


def _mail_send(database_url: str, smtp_port: int) -> subprocess.Popen:
    """`unmentor mail send` in a process of its own, as an operator would run it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNMENTOR_")}
    env.update(
        UNMENTOR_CONFIG=str(REPO / "config.toml"),
        UNMENTOR_DATABASE_URL=database_url,
        UNMENTOR_MAIL_BACKEND="smtp",
        UNMENTOR_SMTP_HOST="127.0.0.1",
        UNMENTOR_SMTP_PORT=str(smtp_port),
        UNMENTOR_MAIL_FROM=SENDER,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "unmentor.cli", "mail", "send"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_relay_killed_mid_run_repeats_only_the_message_in_flight_with_its_message_id(
    database, database_url, make_settings
) -> None:
    with database.session() as session:
        for i in range(40):
            enqueue(
                session=session,
                idempotency_key=f"kill:{i}",
                to_address=f"person{i}@example.org",
                email=Email(subject=f"Hello {i}", body="Body text\n"),
                participant_id=None,
                now=utcnow(),
            )
    # The server takes message kill:25 and then never confirms it: the worst moment to die.
    handler = StallsOnData(key="kill:25")
    with smtp_server(handler) as server:
        relay = _mail_send(database_url, server.port)
        try:
            assert handler.stalled.wait(60), relay.stderr.read1().decode()
        finally:
            relay.send_signal(signal.SIGKILL)
            relay.communicate(timeout=30)
        rows = _rows(database)
        assert [row.sent_at is not None for row in rows] == [True] * 25 + [False] * 15
        assert rows[25].attempts == 1 and rows[25].claimed_until is not None
        assert all(row.attempts == 0 for row in rows[26:]), "nothing claimed beyond the one"
        handler.release.set()

        # Another relay, once the dead one's claim has lapsed, sends the rest.
        later = utcnow() + CLAIM_FOR + timedelta(seconds=1)
        report = deliver_pending(
            database=database,
            transport=SmtpTransport(make_settings(smtp_port=server.port)),
            sender=SENDER,
            now=later,
        )
    assert report.sent == 15
    by_key: dict[str, list[str]] = {}
    for message in handler.messages:
        by_key.setdefault(message["X-Unmentor-Key"], []).append(message["Message-ID"])
    assert sorted(by_key) == sorted(f"kill:{i}" for i in range(40))
    repeated = {key: ids for key, ids in by_key.items() if len(ids) > 1}
    assert list(repeated) == ["kill:25"]
    first, again = repeated["kill:25"]
    assert first == again, "a repeat carries the same Message-ID"
    assert all(row.sent_at is not None for row in _rows(database))
