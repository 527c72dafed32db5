"""'Sign me out everywhere' in a real browser: every device's session ends at once."""

from __future__ import annotations

import pytest

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import link_in

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The sessions' database behaviour is tested on both databases elsewhere."""
    return sqlite_url


def _sign_in(page, server: LiveServer, mailbox, email: str) -> None:
    before = len(mailbox.to(email))
    page.goto(server.url + "/me")
    page.fill("#email", email)
    page.click("button:has-text('Email me a link')")
    page.wait_for_selector("h1:has-text('Check your email')")
    server.deliver_mail()
    page.goto(link_in(mailbox.wait_for(email, count=before + 1)[-1], "/me/login"))
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("h1:has-text('Hello, Dee Vice')")


def test_sign_me_out_everywhere(browser, page, server: LiveServer, mailbox) -> None:
    with server.database.session() as session:
        make_participant(session, name="Dee Vice", email="dee@example.org")
    phone = browser.new_context().new_page()
    try:
        _sign_in(page, server, mailbox, "dee@example.org")
        _sign_in(phone, server, mailbox, "dee@example.org")

        page.click("button:has-text('Sign me out everywhere')")
        page.wait_for_selector("button:has-text('Email me a link')")

        phone.reload()
        phone.wait_for_selector("button:has-text('Email me a link')")
        assert "Dee Vice" not in phone.content()
    finally:
        phone.context.close()
