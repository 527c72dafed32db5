"""The outbox relay against real SMTP servers: delivery, retries, and never twice per key.

One run uses one connection and sends until nothing is due or its time is up; servers that
are down, hang, hang up or refuse a recipient are real sockets (tests/smtp_servers.py).
"""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlmodel import select

from tests.conftest import free_port
from tests.factories import make_participant
from tests.smtp_servers import (
    DropsConnections,
    HungServer,
    RefusesRecipient,
    StallsOnData,
    smtp_server,
)
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.mail.compose import Email, compose
from unmentor.mail.models import OutboxMessage
from unmentor.mail.outbox import enqueue
from unmentor.mail.relay import MAX_ATTEMPTS, deliver_pending, retry_delay
from unmentor.mail.transports import FileTransport, SmtpTransport

SENDER = "UnMentor <unmentor@example.org>"


def _queue(database: Database, n: int, *, key_prefix: str = "test") -> None:
    with database.session() as session:
        for i in range(n):
            enqueue(
                session=session,
                idempotency_key=f"{key_prefix}:{i}",
                to_address=f"person{i}@example.org",
                email=Email(subject=f"Hello {i}", body="Body text\n"),
                participant_id=None,
                now=utcnow(),
            )


def _queue_many(database: Database, n: int) -> None:
    """Like _queue, in one statement, for runs of hundreds."""
    now = utcnow()
    with database.engine.begin() as connection:
        connection.execute(
            insert(OutboxMessage),
            [
                {
                    "idempotency_key": f"test:{i}",
                    "to_address": f"person{i}@example.org",
                    "subject": f"Hello {i}",
                    "body": "Body text\n",
                    "created_at": now,
                    "send_after": now,
                    "attempts": 0,
                }
                for i in range(n)
            ],
        )


def _rows(database: Database) -> list[OutboxMessage]:
    with database.read_session() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def test_delivers_each_message_over_smtp(database, make_settings, mailbox) -> None:
    _queue(database, 3)
    report = deliver_pending(
        database=database, transport=SmtpTransport(make_settings()), sender=SENDER
    )
    assert (report.sent, report.more_due, report.unavailable) == (3, False, None)
    [message] = mailbox.wait_for("person1@example.org")
    assert message["Subject"] == "Hello 1"
    assert message["From"] == SENDER
    assert message["Message-ID"].endswith("@example.org>")
    assert all(row.sent_at is not None for row in _rows(database))


def test_sent_mail_keeps_no_subject_or_body_only_who_and_when(
    database, make_settings, mailbox
) -> None:
    _queue(database, 2)
    deliver_pending(database=database, transport=SmtpTransport(make_settings()), sender=SENDER)
    for i, row in enumerate(_rows(database)):
        assert (row.subject, row.body) == ("", "")
        assert row.idempotency_key == f"test:{i}"
        assert row.to_address == f"person{i}@example.org"
        assert row.created_at is not None and row.sent_at is not None
    _queue(database, 2)  # the key is kept, so the same email is never queued again
    assert len(_rows(database)) == 2


def test_one_run_uses_one_connection_and_sends_past_200(database, make_settings, mailbox):
    _queue_many(database, 250)
    transport = SmtpTransport(make_settings())
    report = deliver_pending(database=database, transport=transport, sender=SENDER)
    assert (report.sent, report.more_due) == (250, False)
    mailbox.wait_for("person249@example.org")
    assert len(mailbox.messages) == 250
    assert len(mailbox.peers) == transport.connections == 1


def test_a_run_stops_at_its_time_bound_and_the_next_carries_on(
    database, make_settings, mailbox
) -> None:
    _queue(database, 25)
    tick = itertools.count()  # a clock that moves one second per reading: no real waiting
    transport = SmtpTransport(make_settings())
    first = deliver_pending(
        database=database, transport=transport, sender=SENDER, run_seconds=10, clock=tick.__next__
    )
    assert (first.sent, first.more_due) == (10, True)
    assert sum(row.attempts for row in _rows(database)) == 10, "nothing claimed beyond the bound"
    rest = deliver_pending(database=database, transport=transport, sender=SENDER, run_seconds=60)
    assert (rest.sent, rest.more_due) == (15, False)
    mailbox.wait_for("person24@example.org")
    assert len(mailbox.messages) == 25


@pytest.mark.parametrize("politely", [False, True], ids=["hangs-up", "421"])
def test_a_dropped_connection_is_reopened_and_nothing_is_sent_twice(
    database, make_settings, politely
):
    handler = DropsConnections(per_connection=3, politely=politely)
    _queue(database, 10)
    with smtp_server(handler) as server:
        transport = SmtpTransport(make_settings(smtp_port=server.port))
        report = deliver_pending(database=database, transport=transport, sender=SENDER)
    assert (report.sent, report.retrying, report.unavailable) == (10, 0, None)
    keys = sorted(message["X-Unmentor-Key"] for message in handler.messages)
    assert keys == sorted(f"test:{i}" for i in range(10))
    assert transport.connections == len(handler.peers) == 4


def test_a_refused_recipient_fails_that_message_only_on_the_same_connection(
    database, make_settings
) -> None:
    handler = RefusesRecipient("person1@example.org")
    _queue(database, 3)
    with smtp_server(handler) as server:
        transport = SmtpTransport(make_settings(smtp_port=server.port))
        report = deliver_pending(database=database, transport=transport, sender=SENDER)
    assert (report.sent, report.retrying, report.unavailable) == (2, 1, None)
    assert transport.connections == 1
    refused = next(row for row in _rows(database) if row.to_address == "person1@example.org")
    assert refused.sent_at is None and "No such mailbox" in refused.last_error
    assert refused.subject == "Hello 1", "unsent mail keeps its text for the retry"


def test_the_same_key_is_queued_once(database) -> None:
    _queue(database, 2)
    _queue(database, 2)
    assert len(_rows(database)) == 2


def test_a_second_run_sends_nothing_again(database, make_settings, mailbox) -> None:
    _queue(database, 2)
    transport = SmtpTransport(make_settings())
    deliver_pending(database=database, transport=transport, sender=SENDER)
    again = deliver_pending(database=database, transport=transport, sender=SENDER)
    assert again.sent == 0
    mailbox.wait_for("person0@example.org")
    assert len(mailbox.messages) == 2


def test_smtp_down_stops_the_run_and_keeps_the_mail(database, make_settings, mailbox) -> None:
    _queue(database, 2)
    down = SmtpTransport(make_settings(smtp_port=free_port(), smtp_timeout_seconds=1))
    report = deliver_pending(database=database, transport=down, sender=SENDER)
    assert (report.sent, report.retrying, report.failed) == (0, 0, 0)
    assert "ConnectionRefusedError" in report.unavailable
    # Nothing was claimed: an outage costs no message an attempt, and nothing waits for backoff.
    assert all(row.sent_at is None and row.attempts == 0 for row in _rows(database))
    up = deliver_pending(database=database, transport=SmtpTransport(make_settings()), sender=SENDER)
    assert up.sent == 2
    assert len(mailbox.wait_for("person0@example.org")) == 1


@pytest.mark.timeout(30)
def test_a_server_that_never_answers_fails_the_run_after_the_timeout(
    database, make_settings
) -> None:
    hung = HungServer()
    _queue(database, 3)
    try:
        transport = SmtpTransport(make_settings(smtp_port=hung.port, smtp_timeout_seconds=0.3))
        report = deliver_pending(database=database, transport=transport, sender=SENDER)
    finally:
        hung.stop()
    assert report.sent == 0 and "timed out" in report.unavailable
    assert all(row.attempts == 0 for row in _rows(database))


@pytest.mark.timeout(30)
def test_a_server_hanging_mid_message_fails_that_message_and_stops_the_run(
    database, make_settings
) -> None:
    _queue(database, 3)
    handler = StallsOnData(key="test:1")
    with smtp_server(handler) as server:
        transport = SmtpTransport(make_settings(smtp_port=server.port, smtp_timeout_seconds=0.3))
        now = utcnow()
        report = deliver_pending(database=database, transport=transport, sender=SENDER, now=now)
    assert (report.sent, report.retrying) == (1, 1) and "timed out" in report.unavailable
    stalled_copies = [m for m in handler.messages if m["X-Unmentor-Key"] == "test:1"]
    assert len(stalled_copies) == 1, "a hung server is not sent the same message again"
    first, stalled, untouched = _rows(database)
    assert first.sent_at is not None
    assert stalled.sent_at is None and stalled.send_after == now + retry_delay(1)
    assert untouched.attempts == 0, "the run stopped: the next message was not claimed"


def test_gives_up_after_max_attempts_and_says_why(database, tmp_path) -> None:
    class Refusing(FileTransport):
        def send(self, message):
            raise RuntimeError("550 mailbox unavailable")

    _queue(database, 1)
    now = utcnow()
    for _ in range(MAX_ATTEMPTS):
        now += timedelta(days=1)
        deliver_pending(database=database, transport=Refusing(tmp_path), sender=SENDER, now=now)
    [row] = _rows(database)
    assert row.failed_at is not None and row.sent_at is None
    assert row.attempts == MAX_ATTEMPTS
    assert "550 mailbox unavailable" in row.last_error
    after = deliver_pending(
        database=database,
        transport=FileTransport(tmp_path),
        sender=SENDER,
        now=now + timedelta(days=9),
    )
    assert after.sent == 0


def test_one_bad_message_does_not_stop_the_others(database, tmp_path) -> None:
    class PicksOnOne(FileTransport):
        def send(self, message):
            if message["To"] == "person1@example.org":
                raise OSError("boom")
            super().send(message)

    _queue(database, 3)
    report = deliver_pending(database=database, transport=PicksOnOne(tmp_path), sender=SENDER)
    assert (report.sent, report.retrying) == (2, 1)
    assert len(list(tmp_path.glob("*.eml"))) == 2


@pytest.mark.parametrize("relays", [2, 4])
def test_concurrent_relays_never_send_a_key_twice(database, make_settings, mailbox, relays):
    # Every relay reads the same due ids ahead, so they race for the very same rows.
    _queue_many(database, 200)
    settings = make_settings()

    def run(_):
        return deliver_pending(
            database=database, transport=SmtpTransport(settings), sender=SENDER
        ).sent

    with ThreadPoolExecutor(max_workers=relays) as pool:
        sent = list(pool.map(run, range(relays)))
    assert sum(sent) == 200
    mailbox.wait_for("person199@example.org")
    keys = [message["X-Unmentor-Key"] for message in mailbox.messages]
    assert sorted(keys) == sorted(f"test:{i}" for i in range(200))
    assert all(row.sent_at is not None and row.attempts == 1 for row in _rows(database))


def test_templates_render_with_a_subject() -> None:
    email = compose("verify", name="Ann", link="http://x/verify?token=t", hours=48)
    assert email.subject == "Please confirm your email for UnMentor"
    assert "http://x/verify?token=t" in email.body
    assert "48 hours" in email.body


def test_mail_for_an_erased_participant_goes_with_them(database, make_settings) -> None:
    from unmentor.privacy import erasure

    with database.session() as session:
        person = make_participant(session)
        enqueue(
            session=session,
            idempotency_key="for-person",
            to_address=person.email,
            email=Email(subject="s", body="b"),
            participant_id=person.id,
            now=utcnow(),
        )
    with database.session() as session:
        erasure.erase(
            session=session, participant_id=person.id, settings=make_settings(), now=utcnow()
        )
    assert _rows(database) == []


def test_console_transport_prints_links_whole(caplog) -> None:
    import logging

    from unmentor.mail.models import OutboxMessage as Row
    from unmentor.mail.relay import build_message
    from unmentor.mail.transports import ConsoleTransport

    link = "http://127.0.0.1:8000/verify?token=" + "x" * 60
    row = Row(idempotency_key="k", to_address="a@example.org", subject="S", body=f"Open {link}\n")
    with caplog.at_level(logging.INFO, logger="unmentor.mail"):
        ConsoleTransport().send(build_message(row, sender=SENDER))
    assert link in caplog.text
    assert "To: a@example.org" in caplog.text


def test_a_run_asked_to_stop_records_the_message_in_flight_and_stops(database, tmp_path):
    import threading

    _queue(database, 3)
    stop = threading.Event()
    stop.set()  # as at shutdown, while a run is going
    report = deliver_pending(
        database=database, transport=FileTransport(tmp_path), sender=SENDER, stop=stop
    )
    assert (report.sent, report.more_due) == (1, True)
    assert [row.attempts for row in _rows(database)] == [1, 0, 0]


def test_the_relay_loop_sends_at_start_and_when_nudged_and_stops(database, make_settings):
    import time

    from unmentor.mail.loop import RelayLoop
    from unmentor.mail.mailer import Mailer

    settings = make_settings(mail_backend="file")
    mail_dir = settings.mail_dir

    def wait_for_files(count: int) -> None:
        deadline = time.monotonic() + 10
        while len(list(mail_dir.glob("*.eml"))) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(list(mail_dir.glob("*.eml"))) == count

    _queue(database, 2, key_prefix="before")
    # An hour between polls: whatever goes out below goes because of the start or a nudge.
    mailer = Mailer(database=database, settings=settings)
    loop = RelayLoop(mailer, poll_seconds=3600).start()
    try:
        wait_for_files(2)
        _queue(database, 1, key_prefix="after")
        mailer.nudge()
        wait_for_files(3)
    finally:
        loop.stop(timeout=10)
    assert not loop._thread.is_alive()


def test_a_multipart_email_leaves_the_global_random_state_alone_and_repeats_exactly() -> None:
    """MIME boundaries come from the key: the email package would otherwise draw them from the
    `random` module's global state (shared with the whole process) and each repeat would differ."""
    import random
    from types import SimpleNamespace

    from unmentor.mail.compose import Attachment
    from unmentor.mail.relay import build_message

    email = Email(
        subject="Meet Bea",
        body="Plain words.",
        html="<p>Plain words.</p>",
        attachments=(
            Attachment("meeting.ics", "text/calendar; method=PUBLISH", "BEGIN:VCALENDAR"),
        ),
    )
    row = SimpleNamespace(
        to_address="ann@example.org",
        subject=email.subject,
        body=email.body,
        idempotency_key="introduction:1:2",
        parts=email.parts(),
    )
    state = random.getstate()
    first = build_message(row, sender="UnMentor <u@example.org>").as_bytes()
    assert random.getstate() == state
    assert build_message(row, sender="UnMentor <u@example.org>").as_bytes() == first
    assert first.count(b"boundary=") == 2, "mixed (the file) around alternative (text, HTML)"
