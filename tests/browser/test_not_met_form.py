"""The "we didn't meet" form: the new reasons, the comment and its limit, in a real browser."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_community
from tests.support import ORGANISER_TOKEN
from unmentor.clock import utcnow
from unmentor.rounds.emails import answer_links
from unmentor.rounds.forming import form_round
from unmentor.rounds.models import COMMENT_MAX, Outcome, RoundMember

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_not_met_with_a_reason_and_a_comment(page, server: LiveServer) -> None:
    with server.database.session() as session:
        ann, _ = make_community(session, {"Devon CC": 1, "NHS Devon": 1})
    now = utcnow()
    round_ = form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=1
    ).round
    _, not_met = answer_links(server.settings, round_.id, ann.id)
    page.goto(not_met)
    labels = page.locator("#reason option").all_inner_texts()
    assert "We couldn't find a time" in labels and "My partner didn't reply" in labels
    # The browser itself stops at the limit.
    page.fill("#comment", "x" * (COMMENT_MAX + 50))
    assert len(page.input_value("#comment")) == COMMENT_MAX
    page.select_option("#reason", "no_time")
    page.fill("#comment", "Our diaries never lined up.\nNext month?")
    page.click('button:has-text("We didn\'t meet")')
    page.wait_for_selector("h1:has-text('Answer recorded')")
    with server.database.read_session() as session:
        member = session.exec(select(RoundMember).where(RoundMember.participant_id == ann.id)).one()
    assert (member.outcome, member.reason.value) == (Outcome.not_met, "no_time")
    assert member.comment == "Our diaries never lined up. Next month?"

    page.goto(server.url + "/organiser")
    page.fill("input[name=token]", ORGANISER_TOKEN)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/organiser/dashboard")
    assert "Our diaries never lined up. Next month?" in page.inner_text("#comments")
    assert "1" in page.inner_text("#reasons")
    page.goto(f"{server.url}/organiser/rounds/{round_.number}")
    assert "couldn't find a time: 1" in page.inner_text("#reasons")
    assert "Our diaries never lined up." in page.inner_text("#groups")
