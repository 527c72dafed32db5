"""The HTML introduction as a mail client shows it: looked at in a real browser."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant
from unmentor.clock import utcnow
from unmentor.mail.models import OutboxMessage
from unmentor.mail.relay import build_message
from unmentor.rounds.forming import form_round
from unmentor.rounds.models import Outcome, RoundMember

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def server_mail_relay() -> bool:
    return False  # the test reads the outbox itself


def _introduction_html(server: LiveServer, address: str) -> str:
    with server.database.read_session() as session:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == address)).one()
    message = build_message(row, sender="UnMentor <hello@unmentor.example>")
    return message.get_body(("html",)).get_content()


@pytest.mark.parametrize("width", [360, 800])
def test_the_html_introduction_reads_well_and_its_button_works(
    page, server: LiveServer, tmp_path, width: int
) -> None:
    with server.database.session() as session:
        ann = make_participant(session, name="Ann Smith", organisation="Devon CC")
        bob = make_participant(session, name="Bob Jones", organisation="NHS Devon", sector="Health")
        # An "about me" near its 140-character limit still fits a narrow screen.
        bob.about_me = (
            "I plan the night shifts of three wards, and I would love to hear how "
            "other people make rotas that staff do not dread every single month!"
        )
        session.add(bob)
    now = utcnow()
    form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=1
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.set_content(_introduction_html(server, ann.email))
    shot = page.screenshot(path=str(tmp_path / f"introduction-{width}.png"), full_page=True)
    assert len(shot) > 10_000, "a screenshot with something on it"
    assert page.locator(".partner strong").inner_text() == "Bob Jones"
    assert page.locator("text=NHS Devon · Health").is_visible()
    assert page.locator(".about-me").inner_text() == f"\u201c{bob.about_me}\u201d"
    assert page.locator(".about-me").is_visible()
    met, not_met = page.locator("#met"), page.locator("#not-met")
    for button in (met, not_met):
        box = button.bounding_box()
        assert box is not None and box["height"] >= 40, "a button a thumb can press"
        assert box["x"] + box["width"] <= width, "nothing runs off a narrow screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The green button is drawn green: the mail's inline styles hold without any stylesheet.
    colour = met.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(31, 122, 61)"
    # The button leads to the answer page, which records nothing until it is pressed.
    met.click()
    page.wait_for_selector("button:has-text('Yes, we met')")
    page.click("button:has-text('Yes, we met')")
    page.wait_for_selector("h1:has-text('Answer recorded')")
    with server.database.read_session() as session:
        member = session.exec(select(RoundMember).where(RoundMember.participant_id == ann.id)).one()
    assert member.outcome == Outcome.met
