"""Stories in a real browser: a member answers "we met", shares a story, an organiser edits
and approves it, and it appears on /public/stories, which fits a 390 px phone screen."""

from __future__ import annotations

import pytest

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import ORGANISER_TOKEN
from unmentor.clock import utcnow
from unmentor.rounds.emails import answer_links
from unmentor.rounds.forming import form_round
from unmentor.stories.models import STORY_MAX

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def server_overrides() -> dict:
    return {"public_min_people": 2}


def _fits(page, width: int = PHONE["width"]) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide on a {width} px screen"


def test_share_approve_and_read_a_story(browser, server: LiveServer) -> None:
    with server.database.session() as session:
        ann = make_participant(
            session, name="Ann Apple", organisation="Apple Growers", sector="Food"
        )
        make_participant(session, name="Bo Birch", organisation="Birch Builders", sector="Food")
    now = utcnow()
    round_ = form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=1
    ).round
    met, _ = answer_links(server.settings, round_.id, ann.id)

    member = browser.new_context(viewport=PHONE)
    page = member.new_page()
    page.set_default_timeout(10_000)
    page.goto(met)
    page.click("button:has-text('Yes, we met')")
    page.wait_for_selector("h1:has-text('Answer recorded')")
    assert "Please don't name anyone" in page.inner_text("#share-story")
    _fits(page)
    # The browser stops at the limit by itself.
    page.fill("#story-text", "y" * (STORY_MAX + 40))
    assert len(page.input_value("#story-text")) == STORY_MAX
    page.fill(
        "#story-text",
        "We met by the harbour and talked about school dinners.\nMr Birch had ideas I will borrow.",
    )
    page.check("input[name=attribution][value=sector]")
    page.click("button:has-text('Share my story')")
    page.wait_for_selector("h1:has-text('Thank you for your story')")
    page.goto(server.url + "/public/stories")
    assert page.locator("#no-stories").count() == 1
    member.close()

    organiser = browser.new_context()
    page = organiser.new_page()
    page.set_default_timeout(10_000)
    page.goto(server.url + "/organiser")
    page.fill("input[name=token]", ORGANISER_TOKEN)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/organiser/dashboard")
    page.click("nav.tabs a:has-text('Stories')")
    page.wait_for_url("**/organiser/stories")
    review = page.locator("article.story-review").first
    assert "Pending" in review.inner_text() and "Ann Apple" in review.inner_text()
    assert "It may name: Birch" in review.inner_text()
    review.locator("textarea").fill(
        "We met by the harbour and talked about school dinners. My partner had ideas I will borrow."
    )
    review.locator("button:has-text('Approve')").click()
    page.wait_for_selector("article.story-review.approved")
    organiser.close()

    reader = browser.new_context(viewport=PHONE)
    page = reader.new_page()
    page.set_default_timeout(10_000)
    page.goto(server.url + "/public/stories")
    story = page.locator("article.story").first
    assert "My partner had ideas I will borrow." in story.inner_text()
    assert "A participant from Food" in story.inner_text()
    body = page.inner_text("body")
    for word in ("Ann", "Apple", "Bo ", "Birch"):
        assert word not in body
    _fits(page)
    reader.close()
