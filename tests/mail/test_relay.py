"""The outbox relay against a real SMTP server: delivery, retries, and never twice per key."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from factories import make_participant
from sqlmodel import select

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


def _rows(database: Database) -> list[OutboxMessage]:
    with database.read_session() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def test_delivers_each_message_over_smtp(database, make_settings, mailbox) -> None:
    _queue(database, 3)
    report = deliver_pending(
        database=database, transport=SmtpTransport(make_settings()), sender=SENDER
    )
    assert report.sent == 3
    [message] = mailbox.wait_for("person1@example.org")
    assert message["Subject"] == "Hello 1"
    assert message["From"] == SENDER
    assert message["Message-ID"].endswith("@example.org>")
    assert all(row.sent_at is not None for row in _rows(database))


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


def test_smtp_down_keeps_mail_for_later(database, make_settings, mailbox) -> None:
    from conftest import free_port

    _queue(database, 2)
    down = SmtpTransport(make_settings(smtp_port=free_port(), smtp_timeout_seconds=1))
    now = utcnow()
    report = deliver_pending(database=database, transport=down, sender=SENDER, now=now)
    assert (report.sent, report.retrying) == (0, 2)
    rows = _rows(database)
    assert all(row.sent_at is None and row.attempts == 1 for row in rows)
    assert all("ConnectionRefusedError" in row.last_error for row in rows)
    up = SmtpTransport(make_settings())
    too_soon = deliver_pending(database=database, transport=up, sender=SENDER, now=now)
    assert too_soon.sent == 0, "backoff: not retried at once"
    later = deliver_pending(
        database=database, transport=up, sender=SENDER, now=now + retry_delay(1)
    )
    assert later.sent == 2
    assert len(mailbox.wait_for("person0@example.org")) == 1
    assert all(row.last_error is None for row in _rows(database))


def test_gives_up_after_max_attempts_and_says_why(database, tmp_path) -> None:
    class Refusing:
        def send(self, message):
            raise RuntimeError("550 mailbox unavailable")

    _queue(database, 1)
    now = utcnow()
    for _ in range(MAX_ATTEMPTS):
        now += timedelta(days=1)
        deliver_pending(database=database, transport=Refusing(), sender=SENDER, now=now)
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
    files = FileTransport(tmp_path)

    class PicksOnOne:
        def send(self, message):
            if message["To"] == "person1@example.org":
                raise OSError("boom")
            files.send(message)

    _queue(database, 3)
    report = deliver_pending(database=database, transport=PicksOnOne(), sender=SENDER)
    assert (report.sent, report.retrying) == (2, 1)
    assert len(list(tmp_path.glob("*.eml"))) == 2


@pytest.mark.parametrize("relays", [4])
def test_concurrent_relays_never_send_a_key_twice(database, make_settings, mailbox, relays):
    _queue(database, 30)
    settings = make_settings()

    def run(_):
        return deliver_pending(
            database=database, transport=SmtpTransport(settings), sender=SENDER
        ).sent

    with ThreadPoolExecutor(max_workers=relays) as pool:
        sent = sum(pool.map(run, range(relays)))
    assert sent == 30
    mailbox.wait_for("person29@example.org")
    keys = [message["X-Unmentor-Key"] for message in mailbox.messages]
    assert sorted(keys) == sorted(f"test:{i}" for i in range(30))


def test_templates_render_with_a_subject() -> None:
    email = compose("verify", name="Ann", link="http://x/verify?token=t", hours=48)
    assert email.subject == "Please confirm your email for UnMentor"
    assert "http://x/verify?token=t" in email.body
    assert "48 hours" in email.body


def test_mail_for_an_erased_participant_goes_with_them(database, make_settings) -> None:
    from unmentor.people import membership

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
        membership.erase(
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
