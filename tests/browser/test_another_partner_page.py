"""Asking for someone else, in a real browser: the page, the button, the answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant, make_round
from unmentor.clock import utcnow
from unmentor.rounds.emails import rematch_link
from unmentor.rounds.models import Outcome, RoundMember, SecondChance

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_ask_for_someone_else(page, server: LiveServer, tmp_path) -> None:
    today = utcnow().date()
    with server.database.session() as session:
        ann = make_participant(session, name="Ann Smith", organisation="Devon CC")
        bob = make_participant(session, name="Bob Jones", organisation="NHS Devon")
        round_ = make_round(session, [[ann, bob]], number=1, period=f"{today:%Y-%m}", closed=False)
        round_.starts_on, round_.closes_on = today, today + timedelta(days=25)
        session.add(round_)
    page.goto(rematch_link(server.settings, round_.id, ann.id))
    page.wait_for_selector("h1:has-text('Someone else to talk to')")
    assert "Bob Jones" in page.inner_text("#second-chance")
    page.screenshot(path=str(tmp_path / "another-partner.png"), full_page=True)
    page.click("button:has-text('Ask for someone else')")
    page.wait_for_selector("#second-chance[data-state=waiting]")
    assert "we will email you" in page.inner_text("#second-chance")
    with server.database.read_session() as session:
        row = session.exec(
            select(RoundMember).where(
                RoundMember.round_id == round_.id, RoundMember.participant_id == ann.id
            )
        ).one()
    assert row.second_chance == SecondChance.waiting and row.outcome == Outcome.not_met
    page.reload()
    assert page.locator("button:has-text('Ask for someone else')").count() == 0
