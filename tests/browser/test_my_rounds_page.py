"""/me shows this round's partner with the answer buttons, and the partners before them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant, make_round
from unmentor.clock import utcnow
from unmentor.privacy.erasure import erase_person
from unmentor.rounds.models import NotMetReason, Outcome, RoundMember
from unmentor.sessions import service as sessions
from unmentor.web.signin import SESSION_COOKIE

pytestmark = pytest.mark.browser

LONG_EMAIL = (
    "annabel.featherstonehaugh-montgomery.digital-transformation@devon-county-council.example.org"
)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def cast(server: LiveServer):
    """Ann: two past rounds (met Cy; nobody answered with Dee), an open one with Bob."""
    with server.database.session() as session:
        ann = make_participant(session, name="Ann Asker", email=LONG_EMAIL, organisation="Devon CC")
        bob = make_participant(
            session, name="Bob Builder", organisation="NHS Devon", sector="Health"
        )
        cy = make_participant(session, name="Cy Cyclist", organisation="Shelter")
        dee = make_participant(session, name="Dee Diver", organisation="Age UK")
        make_round(session, [[ann, cy]], number=1, period="2026-01")
        make_round(session, [[ann, dee]], number=2, period="2026-02", outcome=Outcome.unconfirmed)
        current = make_round(session, [[ann, bob]], number=3, period="2026-03", closed=False)
        session.exec(
            update(RoundMember)
            .where(RoundMember.round_id == current.id)
            .values(meeting_at=datetime(2026, 3, 12, 10, 0, tzinfo=UTC))
        )
        token = sessions.open_for_participant(
            session=session, participant_id=ann.id, settings=server.settings, now=utcnow()
        )
    return {"ann": ann, "bob": bob, "dee": dee, "round": current, "session": token}


def _sign_in(context, server: LiveServer, cast) -> None:
    context.add_cookies([{"name": SESSION_COOKIE, "value": cast["session"], "url": server.url}])


def _answer(server: LiveServer, cast) -> tuple[Outcome | None, NotMetReason | None]:
    with server.database.read_session() as session:
        member = session.exec(
            select(RoundMember).where(
                RoundMember.round_id == cast["round"].id,
                RoundMember.participant_id == cast["ann"].id,
            )
        ).one()
    return member.outcome, member.reason


def test_this_round_past_partners_and_answering(page, server: LiveServer, cast, tmp_path):
    _sign_in(page.context, server, cast)
    page.goto(server.url + "/me")
    this_round = page.inner_text("#round-3")
    assert "Your conversation for March 2026" in this_round
    assert "Bob Builder, NHS Devon (Health)" in this_round
    assert cast["bob"].email in this_round
    assert "Thursday 12 March, 10:00-10:30 (Europe/London)" in this_round
    assert "Please tell us until the round closes on 26 March 2026" in this_round
    past = page.inner_text("#past-partners")
    assert "Round 2, February 2026: Dee Diver (Age UK) — unconfirmed" in past
    assert "Round 1, January 2026: Cy Cyclist (Shelter) — met" in past
    assert past.index("Round 2") < past.index("Round 1"), "newest first"
    page.screenshot(path=str(tmp_path / "me-rounds.png"), full_page=True)

    page.click("#round-3 button:has-text('We met')")
    page.wait_for_selector("h1:has-text('Answer recorded')")
    assert _answer(server, cast) == (Outcome.met, None)
    page.click("text=Go to my page")
    assert page.inner_text("#round-3 .own-answer") == "we met"

    page.click('#round-3 a:has-text("We didn\'t meet")')
    page.wait_for_selector("#reason")
    assert _answer(server, cast) == (Outcome.met, None), "opening the page changes nothing"
    page.select_option("#reason", NotMetReason.no_time.value)
    page.click('button:has-text("We didn\'t meet")')
    page.wait_for_selector("h1:has-text('Answer recorded')")
    assert _answer(server, cast) == (Outcome.not_met, NotMetReason.no_time)
    page.goto(server.url + "/me")
    assert page.inner_text("#round-3 .own-answer") == "we didn't meet"

    erase_person(
        database=server.database,
        participant_id=cast["dee"].id,
        settings=server.settings,
        now=utcnow(),
    )
    page.reload()
    assert "Dee Diver" not in page.content()
    assert "Cy Cyclist" in page.inner_text("#past-partners")


def test_no_sideways_scrolling_on_a_phone(browser, server: LiveServer, cast, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        _sign_in(context, server, cast)
        page = context.new_page()
        page.goto(server.url + "/me")
        page.wait_for_selector("#round-3")
        assert LONG_EMAIL in page.content()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"/me is {width} px wide on a 390 px screen"
        page.screenshot(path=str(tmp_path / "me-rounds-phone.png"), full_page=True)
    finally:
        context.close()
