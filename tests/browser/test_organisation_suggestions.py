"""Typing an organisation at sign-up suggests the existing spelling, in a real browser."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant
from unmentor.clock import utcnow
from unmentor.people import domains
from unmentor.people.models import Participant, ParticipantStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def _options(page) -> list[str]:
    return page.eval_on_selector_all(
        "#organisation-suggestions option", "options => options.map(o => o.value)"
    )


def test_the_organisation_field_suggests_existing_names(page, server: LiveServer, tmp_path):
    with server.database.session() as session:
        make_participant(session, organisation="Devon County Council", email="a@devon.gov.uk")
        make_participant(session, organisation="Devonport Library")
        make_participant(
            session, organisation="Devon Secret Club", status=ParticipantStatus.pending
        )
        owner = make_participant(session, organisation="Plymouth City Council").organisation_id
        domains.add_domain(
            session=session,
            organisation_id=owner,
            domain="plymouth.gov.uk",
            webmail=server.settings.webmail,
            now=utcnow(),
        )
    page.goto(server.url + "/")
    page.fill("#email", "me@plymouth.gov.uk")
    page.type("#organisation", "devon", delay=20)
    # wait_for_function would evaluate a string, which the pages' CSP forbids.
    page.wait_for_selector("#organisation-suggestions option >> nth=2", state="attached")
    names = _options(page)
    # The owner of the email's domain comes first; unconfirmed members' names never show.
    assert names[0] == "Plymouth City Council"
    assert set(names[1:]) == {"Devon County Council", "Devonport Library"}
    page.screenshot(path=str(tmp_path / "suggestions.png"), full_page=True)
    page.fill("#name", "Ann Smith")
    page.fill("#organisation", "Devon County Council")
    page.click("text=Sign up >> nth=-1")
    page.wait_for_selector("h1:has-text('Check your email')")
    with server.database.read_session() as session:
        ann = session.exec(
            select(Participant).where(Participant.email == "me@plymouth.gov.uk")
        ).one()
        council = session.exec(
            select(Participant).where(Participant.email == "a@devon.gov.uk")
        ).one()
    assert ann.organisation_id == council.organisation_id


def test_without_javascript_the_field_is_plain_text(browser, server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        page.fill("#name", "Bo Plain")
        page.fill("#email", "bo@example.org")
        page.fill("#organisation", "  devon county COUNCIL ")
        page.click("text=Sign up >> nth=-1")
        page.wait_for_selector("h1:has-text('Check your email')")
    finally:
        context.close()
