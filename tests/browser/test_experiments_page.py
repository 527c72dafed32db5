"""The organiser's experiments page in a real browser: reached from the tabs, five comparisons."""

from __future__ import annotations

import pytest

from tests.conftest import LiveServer
from tests.support import ORGANISER_TOKEN

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_experiments_page(page, server: LiveServer) -> None:
    page.goto(server.url + "/organiser")
    page.fill("#token", ORGANISER_TOKEN)
    page.click("button:has-text('Sign in')")
    page.click("nav >> text=Experiments")
    page.wait_for_selector("h1:has-text('Did the change help?')")
    for key in ("rhythm", "cadence", "first_timers", "sector", "picked_time"):
        assert "Too few conversations to tell" in page.inner_text(f"#experiment-{key}")
    assert "Wilson" in page.inner_text("#method")
