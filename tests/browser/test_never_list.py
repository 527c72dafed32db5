"""'Never introduce me to ...' in a real browser: pick a past partner, type an address, remove."""

from __future__ import annotations

import pytest

from tests.blocking_support import cast_with_a_past, rows
from tests.conftest import LiveServer
from unmentor.clock import utcnow
from unmentor.sessions import service as sessions
from unmentor.web.signin import SESSION_COOKIE

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_add_a_partner_and_an_address_then_remove_one(page, server: LiveServer, tmp_path):
    cast = cast_with_a_past(server.database, server.settings)
    with server.database.session() as session:
        token = sessions.open_for_participant(
            session=session, participant_id=cast.ann.id, settings=server.settings, now=utcnow()
        )
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": server.url}])
    page.goto(server.url + "/me")
    page.wait_for_selector("h1:has-text('Hello, Ann Asker')")

    page.select_option("#never-partner", label="Bob Other")
    page.click("button:has-text('Never introduce me to them')")
    page.wait_for_selector("#never-notice")
    assert page.inner_text("#never-list li >> nth=0").startswith("Bob Other")

    page.fill("#never-email", "someone@example.org")
    page.click("button:has-text('Never introduce me to this address')")
    page.wait_for_selector("#never-list li >> nth=1")
    assert "someone@example.org" in page.inner_text("#never-list")
    assert [r.other_email for r in rows(server.database)] == [None, "someone@example.org"]
    page.screenshot(path=str(tmp_path / "never.png"), full_page=True)

    page.click("#never-list li:has-text('Bob Other') button:has-text('Remove')")
    page.wait_for_selector("#never-notice:has-text('Removed')")
    assert "Bob Other" not in page.inner_text("#never-list")
    assert [r.other_email for r in rows(server.database)] == ["someone@example.org"]
