"""An organiser finds a likely duplicate organisation and merges it, in a real browser."""

from __future__ import annotations

import pytest

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import ORGANISER_TOKEN
from unmentor.people.models import Participant

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_organiser_merges_a_likely_duplicate(page, server: LiveServer, tmp_path) -> None:
    with server.database.session() as session:
        ann = make_participant(session, organisation="Devon County Council", email="a@gmail.com")
        bob = make_participant(session, organisation="Devon CC", email="b@gmail.com")
    page.goto(server.url + "/organiser")
    page.fill("#token", ORGANISER_TOKEN)
    page.click("button:has-text('Sign in')")
    page.click("#likely-duplicates >> text=Review and merge them")
    page.wait_for_selector("#duplicates >> text=abbreviation")
    page.screenshot(path=str(tmp_path / "organisations.png"), full_page=True)
    page.click("#duplicates >> button:has-text('Into “Devon County Council”')")
    page.wait_for_selector("#flash")
    assert "“Devon CC” into “Devon County Council”" in page.inner_text("#merges")
    assert page.query_selector("#no-duplicates") is not None
    with server.database.read_session() as session:
        assert session.get(Participant, bob.id).organisation_id == ann.organisation_id
