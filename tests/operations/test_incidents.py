"""A job failing three times in a row, or email failing for good, reaches the organisers once."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import func, select

from scheduler.jobs import Context, Job, heartbeat, run_job
from tests.conftest import LiveServer, Mailbox
from tests.support import ORGANISER_TOKEN, hidden_field
from unmentor.clock import utcnow
from unmentor.mail.compose import Email
from unmentor.mail.mailer import Mailer
from unmentor.mail.models import OutboxMessage
from unmentor.mail.outbox import enqueue

ORGANISERS = ("ops@example.org", "lead@example.org")


@pytest.fixture
def server_overrides() -> dict:
    return {"organiser_emails": ORGANISERS}


def _context(server: LiveServer) -> Context:
    return Context(
        database=server.database,
        mailer=Mailer(database=server.database, settings=server.settings),
        settings=server.settings,
    )


def _dashboard(server: LiveServer) -> str:
    with server.client() as http:
        csrf = hidden_field(http.get("/organiser").text, "csrf_token")
        http.post("/organiser/signin", data={"csrf_token": csrf, "token": ORGANISER_TOKEN})
        page = http.get("/organiser/dashboard")
        assert page.status_code == 200
        return page.text


def _alerts(server: LiveServer) -> int:
    with server.database.read_session() as session:
        return session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith("alert:"))
        ).one()


def test_a_job_failing_three_times_shows_and_emails_once(
    server: LiveServer, mailbox: Mailbox
) -> None:
    outcome = {"fail": True}

    def flaky(_context: Context) -> str:
        if outcome["fail"]:
            raise RuntimeError("the database said no")
        return "fine"

    job = Job("flaky", flaky, "interval", {"minutes": 1})
    context = _context(server)
    for _ in range(2):
        assert run_job(job, context) == "failed (see log)"
    assert "service-health" not in _dashboard(server), "two failures are not yet an incident"
    assert _alerts(server) == 0

    for _ in range(3):  # the third opens the incident; later failures add nothing
        run_job(job, context)
    page = _dashboard(server)
    assert 'id="service-health"' in page
    assert "<code>flaky</code> has failed" in page and "5 times in a row" in page
    assert "RuntimeError: the database said no" in page
    for address in ORGANISERS:
        [message] = mailbox.wait_for(address)
        assert message["Subject"] == "UnMentor: the flaky job keeps failing"
        assert "the database said no" in message.get_payload(decode=True).decode()
    server.deliver_mail()
    assert len(mailbox.messages) == 2 and _alerts(server) == 2

    outcome["fail"] = False
    assert run_job(job, context) == "fine"
    assert "service-health" not in _dashboard(server), "a success closes the incident"

    outcome["fail"] = True
    for _ in range(3):
        run_job(job, context)
    assert len(mailbox.wait_for(ORGANISERS[0], count=2)) == 2, "a new incident, a new email"


def test_email_failing_for_good_shows_and_emails_once_a_day(
    server: LiveServer, mailbox: Mailbox
) -> None:
    now = utcnow()
    with server.database.session() as session:
        for n in range(2):
            enqueue(
                session=session,
                idempotency_key=f"test:{n}",
                to_address=f"gone{n}@example.org",
                email=Email(subject="s", body="b"),
                participant_id=None,
                now=now,
            )
        session.exec(
            update(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith("test:"))
            .values(failed_at=now, last_error="550 no such user")
        )
    context = _context(server)
    for _ in range(3):  # the heartbeat runs every minute
        assert run_job(Job("heartbeat", heartbeat, "interval", {}), context).startswith("alive")
    [message] = mailbox.wait_for(ORGANISERS[1])
    assert message["Subject"] == "UnMentor: emails could not be delivered"
    assert "2 email(s) failed for good" in message.get_payload(decode=True).decode()
    server.deliver_mail()
    assert len(mailbox.to(ORGANISERS[1])) == 1 and _alerts(server) == 2
    assert "2 email(s) could not be delivered in the last 7 days" in _dashboard(server)
