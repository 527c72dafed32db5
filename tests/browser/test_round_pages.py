"""Answering "did you meet?" and the organiser's round view, in a real browser."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_community
from tests.support import ORGANISER_TOKEN
from unmentor.clock import utcnow
from unmentor.rounds.emails import answer_links
from unmentor.rounds.forming import form_round
from unmentor.rounds.models import Outcome, RoundMember

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def round_of_four(server: LiveServer):
    with server.database.session() as session:
        people = make_community(session, {"Devon CC": 2, "NHS Devon": 2})
    now = utcnow()
    formed = form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=3
    )
    return formed.round, people


def _answer_of(server: LiveServer, participant_id: int) -> RoundMember:
    with server.database.read_session() as session:
        return session.exec(
            select(RoundMember).where(RoundMember.participant_id == participant_id)
        ).one()


def test_we_met_and_we_did_not_meet(page, server: LiveServer, round_of_four) -> None:
    round_, (ann, bob, *_) = round_of_four
    met, _ = answer_links(server.settings, round_.id, ann.id)
    page.goto(met)
    assert _answer_of(server, ann.id).outcome is None, "opening the link records nothing"
    page.click("button:has-text('Yes, we met')")
    page.wait_for_selector("h1:has-text('Answer recorded')")
    assert _answer_of(server, ann.id).outcome == Outcome.met

    _, not_met = answer_links(server.settings, round_.id, bob.id)
    page.goto(not_met)
    page.select_option("#reason", "no_reply")
    page.click('button:has-text("We didn\'t meet")')
    page.wait_for_selector("h1:has-text('Answer recorded')")
    member = _answer_of(server, bob.id)
    assert (member.outcome, member.reason.value) == (Outcome.not_met, "no_reply")


def test_organiser_sees_the_round_and_closes_it(page, server: LiveServer, round_of_four) -> None:
    round_, people = round_of_four
    met, _ = answer_links(server.settings, round_.id, people[0].id)
    page.goto(met)
    page.click("button:has-text('Yes, we met')")

    page.goto(server.url + "/organiser/rounds")
    page.fill("#token", "wrong")
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("#token-error")
    page.fill("#token", ORGANISER_TOKEN)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("#metrics")
    page.click("nav.tabs >> text=Rounds")
    page.wait_for_selector("#rounds")
    page.click(f"text=Round {round_.number}")
    page.wait_for_selector("#groups")
    assert page.inner_text("#met") == "1"
    assert page.inner_text("#awaiting") == "1"
    assert "so far (1 of 2 answered)" in page.inner_text("#met-rate")
    assert not page.is_visible("#not-answered"), "the unanswered names start folded"
    page.click("#not-answered-box summary")
    waiting = page.inner_text("#not-answered")
    assert len(waiting.strip().splitlines()) == 2
    # Typing filters the list at once (and the same search works without JavaScript).
    page.fill("#q", people[3].name)
    assert page.locator("#not-answered li:visible").count() <= 1
    assert page.locator("#groups tbody tr").count() == 4

    page.click("text=Close this round now")
    page.wait_for_selector("h1:has-text('now?')")
    assert "cannot be undone" in page.inner_text("#close-consequences")
    page.click("text=No, keep it open")
    page.wait_for_selector("#groups")
    assert "open" in page.inner_text("h1")
    page.click("text=Close this round now")
    page.click("button:has-text('Yes, close round')")
    page.wait_for_selector("h1:has-text('closed')")
    status = page.locator("#flash[role=status]")
    assert status.inner_text().startswith(f"Round {round_.number} is closed.")
    assert page.evaluate("document.activeElement.id") == "flash"
    assert page.inner_text("#unconfirmed") == "1" and page.inner_text("#awaiting") == "0"
    assert "Unconfirmed" in page.inner_text("#summary")
    page.screenshot(path="/tmp/organiser-round.png", full_page=True)


def test_re_sending_an_introduction_says_so_where_the_organiser_looks(
    page, server: LiveServer
) -> None:
    with server.database.session() as session:
        people = make_community(session, {"A": 20, "B": 20})
    now = utcnow()
    form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=3
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server.url + "/organiser")
    page.fill("#token", ORGANISER_TOKEN)
    page.click("button:has-text('Sign in')")
    page.goto(server.url + "/organiser/rounds/1")
    # The last button on a long page: the message must not be left off-screen at the top.
    page.locator("button:has-text('Re-send introduction')").last.click()
    status = page.wait_for_selector("#flash[role=status]")
    assert status.inner_text().startswith("The introduction was sent again to ")
    assert page.evaluate("document.activeElement.id") == "flash"
    assert status.is_visible()
    box = status.bounding_box()
    assert 0 <= box["y"] < 800, "scrolled to the message"
    assert len(people) == 40


def test_preview_re_roll_and_form(page, server: LiveServer) -> None:
    with server.database.session() as session:
        make_community(session, {"A": 3, "B": 3, "C": 3})
    page.goto(server.url + "/organiser")
    page.fill("#token", ORGANISER_TOKEN)
    page.click("button:has-text('Sign in')")
    page.click("text=Preview next round")
    page.wait_for_selector("#preview-groups")
    first_seed = page.inner_text("#seed")
    page.click("#reroll")
    page.wait_for_selector("#preview-groups")
    second_seed = page.inner_text("#seed")
    assert first_seed != second_seed
    groups = page.inner_text("#preview-groups tbody")
    page.click("button:has-text('Form this round')")
    page.wait_for_selector("#groups")
    for row in groups.strip().splitlines():
        for name in row.split("\t")[1].split(" · "):
            assert name.split(" (")[0] in page.inner_text("#groups")
