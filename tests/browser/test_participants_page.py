"""An organiser finds a person, filters, pauses, resumes and erases them (after confirming),
in a real browser; every organiser page fits a 390 px phone without sideways scrolling."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import ORGANISER_TOKEN
from unmentor.clock import utcnow
from unmentor.people.models import Participant, ParticipantStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def server_mail_relay() -> bool:
    return False


def _sign_in(page, server: LiveServer) -> None:
    page.goto(server.url + "/organiser")
    page.fill("#token", ORGANISER_TOKEN)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/organiser/dashboard")


def _message(page) -> str:
    """The message at the top, which must have the focus (so it is read out first)."""
    page.wait_for_selector("#flash")
    assert page.evaluate("document.activeElement && document.activeElement.id") == "flash"
    assert page.get_attribute("#flash", "role") == "status"
    return page.inner_text("#flash")


def test_search_filter_pause_resume_and_erase(page, server: LiveServer, tmp_path) -> None:
    with server.database.session() as session:
        ann = make_participant(
            session,
            name="Ann Oakley-Fitzwilliam",
            email="ann.oakley-fitzwilliam.longaddress@devon-county-council.gov.uk",
            organisation="Devon County Council",
        )
        make_participant(session, name="Anna Other", organisation="NHS Devon")
        make_participant(session, name="Bob Resting", status=ParticipantStatus.paused)
        for n in range(12):
            make_participant(session, name=f"Someone {n}", organisation="NHS Devon")
    _sign_in(page, server)
    page.click("nav.tabs >> text=Participants")
    assert "1 to 15 of 15 people" in page.inner_text("#results-heading")

    page.fill("#q", "oakley")
    page.click("#filters button")
    assert page.inner_text("#results-heading").startswith("1 to 1 of 1 person")
    page.fill("#q", "ann")
    page.fill("#organisation-filter", "nhs devon")
    page.click("#filters button")
    assert [r.strip() for r in page.locator("#people tbody td:first-child").all_inner_texts()] == [
        "Anna Other"
    ]
    page.fill("#q", "")
    page.fill("#organisation-filter", "")
    page.select_option("#status", "paused")
    page.click("#filters button")
    assert page.locator("#people tbody tr").count() == 1 and "Bob Resting" in page.inner_text(
        "#people"
    )

    page.goto(server.url + "/organiser/participants?q=oakley")
    page.click("#people >> text=Ann Oakley-Fitzwilliam")
    until = utcnow().date() + timedelta(days=21)
    page.fill("#until", until.isoformat())
    page.click("#pause button")
    assert _message(page).startswith("Paused Ann Oakley-Fitzwilliam until")
    assert page.inner_text("#person-status").startswith("Paused until")
    page.screenshot(path=str(tmp_path / "participant-paused.png"), full_page=True)
    page.click("#resume button")
    assert "takes part again" in _message(page)
    assert page.inner_text("#person-status") == "Taking part"

    page.click("#erase >> text=Erase Ann")
    page.wait_for_selector("#confirm-erase")
    assert "cannot be undone" in page.inner_text("#confirm-erase")
    with server.database.read_session() as session:
        assert session.get(Participant, ann.id) is not None, "asking changes nothing"
    page.screenshot(path=str(tmp_path / "erase-confirmation.png"), full_page=True)
    page.click("button:has-text('Yes, erase')")
    assert _message(page).startswith("Erased Ann Oakley-Fitzwilliam")
    assert "14 people" in page.inner_text("#results-heading")
    with server.database.read_session() as session:
        assert session.get(Participant, ann.id) is None


def test_organiser_pages_fit_a_phone(page, server: LiveServer, tmp_path) -> None:
    with server.database.session() as session:
        ann = make_participant(
            session,
            name="Ann Oakley-Fitzwilliam",
            email="ann.oakley-fitzwilliam.longaddress@devon-county-council.gov.uk",
            organisation="Devon County Council and Partners Integrated Care System",
        )
        make_participant(session, name="Bob", organisation="Devon CC")
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, server)
    for name, path in (
        ("participants", "/organiser/participants"),
        ("participant", f"/organiser/participants/{ann.id}"),
        ("erase", f"/organiser/participants/{ann.id}/erase"),
        ("organisations", "/organiser/organisations"),
    ):
        page.goto(server.url + path)
        page.screenshot(path=str(tmp_path / f"{name}-390.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide at 390 px"
