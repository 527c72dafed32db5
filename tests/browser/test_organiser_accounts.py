"""An organiser signs in by emailed link, invites a viewer and finds it in the audit log."""

from __future__ import annotations

import pytest

from tests.accounts_support import make_account
from tests.conftest import LiveServer
from tests.support import newest_link

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def server_overrides() -> dict:
    return {"organiser_token_signs_in": False}


def test_organiser_invites_a_viewer_and_sees_the_audit_log(
    page, server: LiveServer, mailbox, tmp_path
) -> None:
    make_account(server, "Olga Org", "olga@example.org")
    page.goto(server.url + "/organiser")
    page.fill("#email", "olga@example.org")
    page.click("button:has-text('Email me a sign-in link')")
    page.wait_for_selector("text=Check your email")
    server.deliver_mail()
    link = newest_link(mailbox, "olga@example.org", "/organiser/login", after=1)
    page.goto(link)
    page.click("button:has-text('Sign in')")
    page.click("nav.tabs >> text=Organisers")
    page.fill("#invite-name", "Vic Viewer")
    page.fill("#invite-email", "vic@example.org")
    page.select_option("#invite-role", "viewer")
    page.click("#invite >> button:has-text('Invite')")
    page.wait_for_selector("#organisers >> text=Vic Viewer")
    assert "viewer" in page.inner_text("#organisers")
    page.screenshot(path=str(tmp_path / "organisers.png"), full_page=True)
    page.click("nav.tabs >> text=Audit log")
    row = page.inner_text("#audit tbody tr:first-child")
    assert "Olga Org" in row and "organiser added" in row and "Vic Viewer as viewer" in row
    server.deliver_mail()
    assert newest_link(mailbox, "vic@example.org", "/organiser/login", after=0)
