"""An organiser sees on the dashboard that a scheduler job keeps failing."""

from __future__ import annotations

import pytest

from tests.conftest import LiveServer
from tests.support import ORGANISER_TOKEN
from unmentor.clock import utcnow
from unmentor.operations.jobs import record_run

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_a_failing_job_shows_on_the_dashboard(page, server: LiveServer) -> None:
    with server.database.session() as session:
        for _ in range(3):
            record_run(
                session=session,
                settings=server.settings,
                name="close_rounds",
                error="OperationalError: disk I/O error",
                now=utcnow(),
            )
    page.goto(server.url + "/organiser")
    page.fill("input[name=token]", ORGANISER_TOKEN)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/organiser/dashboard")
    notice = page.locator("#service-health")
    assert notice.is_visible()
    assert notice.get_attribute("role") == "alert"
    text = notice.inner_text()
    assert "close_rounds has failed 3 times in a row" in text
    assert "disk I/O error" in text
