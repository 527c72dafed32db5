"""Blog readers' gallery and the organiser's dashboard, in a real browser."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import LiveServer
from tests.factories import make_community
from tests.support import ORGANISER_TOKEN
from unmentor.clock import utcnow
from unmentor.rounds.forming import form_round

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def three_rounds(server: LiveServer) -> None:
    with server.database.session() as session:
        make_community(session, {"Devon CC": 6, "NHS Devon": 6, "Shelter": 4, "GDS": 4})
    for month in (1, 2, 3):
        form_round(
            database=server.database,
            settings=server.settings,
            today=date(2027, month, 2),
            now=utcnow(),
            seed=month,
        )


def test_gallery_shows_every_round_image(page, server: LiveServer, three_rounds) -> None:
    page.goto(server.url + "/public/")
    page.wait_for_selector("#gallery")
    images = page.locator("#gallery img")
    assert images.count() == 3
    for i in range(3):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
    assert "Person" not in page.content(), "no names on the public page"
    page.screenshot(path="/tmp/public-gallery.png", full_page=True)


def test_dashboard_shows_the_latest_round_and_metrics(page, server: LiveServer, three_rounds):
    page.goto(server.url + "/organiser")
    page.fill("#token", ORGANISER_TOKEN)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("#metrics")
    assert page.locator("#metrics tbody tr").count() == 3
    picture = page.locator("#latest-network")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    assert "20 active" in page.inner_text("#participants")


def test_round_pages_lead_to_each_other(page, server: LiveServer, three_rounds) -> None:
    page.goto(server.url + "/public/")
    page.click("#gallery a[href='/public/rounds/2/']")
    page.wait_for_url("**/public/rounds/2/")
    assert page.inner_text("h1") == "Round 2"
    picture = page.locator("#round-picture")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    assert page.locator("#figures li").count() >= 3
    page.click("#next")
    page.wait_for_url("**/public/rounds/3/")
    assert page.inner_text("h1") == "Round 3" and page.locator("#next").count() == 0
    page.click("#previous")
    page.click("#previous")
    page.wait_for_url("**/public/rounds/1/")
    assert page.locator("#previous").count() == 0
    page.click("details.embed summary")
    snippet = page.inner_text("details.embed code")
    assert snippet.startswith(f'<img src="{server.url}/public/rounds/1/network.svg"')
    assert 'width="1200" height="960" alt="Round 1:' in snippet
    card = page.get_attribute("meta[property='og:image']", "content")
    assert card == f"{server.url}/public/rounds/1/card.png"
    assert "Person" not in page.content(), "no names on the public page"
    page.screenshot(path="/tmp/public-round.png", full_page=True)
