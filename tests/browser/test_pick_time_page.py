"""Free times on /me, then picking a suggested time, in a real browser."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import link_in
from unmentor.clock import utcnow
from unmentor.people.models import Participant
from unmentor.rounds.emails import pick_link
from unmentor.rounds.forming import form_round
from unmentor.rounds.models import RoundMember

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_free_times_on_my_page_then_pick_a_time(page, server: LiveServer, mailbox, tmp_path):
    with server.database.session() as session:
        ann = make_participant(session, name="Ann Smith", organisation="Devon CC")
        bob = make_participant(session, name="Bob Jones", organisation="NHS Devon")
    # Ann signs in by link and ticks her free afternoons, in New York time.
    page.goto(server.url + "/me")
    page.fill("#email", ann.email)
    page.click("button:has-text('Email me a link')")
    page.wait_for_selector("h1:has-text('Check your email')")
    server.deliver_mail()
    page.goto(link_in(mailbox.wait_for(ann.email)[-1], "/me/login"))
    page.click("button:has-text('Sign in')")
    for day in ("mon", "tue", "wed", "thu", "fri"):
        page.check(f"#free-{day}-am")
    page.select_option("#time-zone", "America/New_York")
    page.click("button:has-text('Save my free times')")
    page.wait_for_selector("#times-notice")
    assert page.is_checked("#free-thu-am") and not page.is_checked("#free-thu-pm")
    page.screenshot(path=str(tmp_path / "free-times.png"), full_page=True)
    with server.database.read_session() as session:
        stored = session.get(Participant, ann.id)
    assert (stored.free_times, stored.time_zone) == (
        "mon-am,tue-am,wed-am,thu-am,fri-am",
        "America/New_York",
    )

    now = utcnow()
    formed = form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=1
    )
    page.goto(pick_link(server.settings, formed.round.id, bob.id))
    page.wait_for_selector("h1:has-text('Pick a time with Ann Smith')")
    options = page.locator("input[name=slot]")
    assert 1 <= options.count() <= 3
    assert "(Europe/London)" in page.inner_text("fieldset"), "Bob reads them in his own time"
    page.screenshot(path=str(tmp_path / "pick-time.png"), full_page=True)
    options.nth(options.count() - 1).check()
    page.click("button:has-text('Pick this time')")
    page.wait_for_selector("h1:has-text('Time picked')")
    with server.database.read_session() as session:
        picked = session.exec(
            select(RoundMember.meeting_at).where(RoundMember.round_id == formed.round.id)
        ).all()
    assert len(set(picked)) == 1 and picked[0] is not None
