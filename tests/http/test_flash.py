"""Messages an action leaves for the next page: shown once, focused, and never forged."""

from __future__ import annotations

import pytest

from tests.conftest import LiveServer
from unmentor.web.flash import FLASH_COOKIE


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def server_mail_relay() -> bool:
    return False


def test_a_cookie_not_signed_by_the_service_says_nothing(server: LiveServer) -> None:
    with server.client() as http:
        http.cookies.set(FLASH_COOKIE, "bm90aWNlOkhlbGxv.9999999999.forged")
        page = http.get("/")
    assert page.status_code == 200 and 'id="flash"' not in page.text
    assert "/static/flash.js" not in page.text


def test_the_focusing_script_is_served_from_the_site(server: LiveServer) -> None:
    with server.client() as http:
        script = http.get("/static/flash.js")
    assert script.status_code == 200 and 'getElementById("flash")' in script.text
