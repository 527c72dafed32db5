"""Service alerts reach the organiser accounts (not viewers) beside `organiser_emails`."""

from __future__ import annotations

from types import SimpleNamespace

from sqlmodel import select

from tests.accounts_support import make_account
from tests.conftest import LiveServer
from unmentor.clock import utcnow
from unmentor.mail.models import OutboxMessage
from unmentor.operations import alerts
from unmentor.organisers.models import OrganiserRole


def test_a_failing_job_emails_each_organiser_once(server: LiveServer) -> None:
    make_account(server, "Olga", "olga@example.org")
    make_account(server, "Vic", "vic@example.org", OrganiserRole.viewer)
    now = utcnow()
    state = SimpleNamespace(
        name="relay", consecutive_failures=3, incident_since=now, last_error="boom"
    )
    settings = server.settings.model_copy(update={"organiser_emails": ("Olga@Example.org",)})
    with server.database.session() as session:
        assert alerts.job_failing(session=session, settings=settings, state=state, now=now) == 1
    with server.database.read_session() as session:
        alerted = session.exec(
            select(OutboxMessage.to_address).where(OutboxMessage.subject.contains("relay"))
        ).all()
    assert alerted == ["Olga@Example.org"], "one email per address, none to the viewer"
