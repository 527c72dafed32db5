"""A person signs up, confirms, and manages their membership in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.support import link_in
from unmentor.clock import utcnow
from unmentor.people.models import Participant, ParticipantStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Browser tests exercise the pages, not the database: SQLite is enough."""
    return sqlite_url


def _person(server: LiveServer, email: str) -> Participant | None:
    with server.database.read_session() as session:
        return session.exec(select(Participant).where(Participant.email == email)).first()


def _sign_up_and_confirm(page, server: LiveServer, mailbox, email: str) -> None:
    page.goto(server.url + "/")
    page.fill("#name", "Ann Smith")
    page.fill("#email", email)
    page.fill("#organisation", "Devon County Council")
    page.fill("#sector", "Local government")
    page.click("text=Sign up >> nth=-1")
    page.wait_for_selector("h1:has-text('Check your email')")
    link = link_in(mailbox.wait_for(email)[0], "/verify")
    page.goto(link)
    assert _person(server, email).status == ParticipantStatus.pending, "opening is not confirming"
    page.click("button:has-text('Confirm my email')")
    page.wait_for_selector("text=Your email is confirmed")


def test_sign_up_confirm_and_see_my_membership(page, server: LiveServer, mailbox, tmp_path):
    _sign_up_and_confirm(page, server, mailbox, "ann@example.org")
    assert page.inner_text("#status").strip() == "Taking part in the next round"
    assert "Devon County Council" in page.content()
    assert _person(server, "ann@example.org").status == ParticipantStatus.active
    page.screenshot(path=str(tmp_path / "manage.png"), full_page=True)


def test_sign_up_with_a_blank_organisation(page, server: LiveServer, mailbox, tmp_path):
    page.goto(server.url + "/")
    assert "Organisation (optional)" in page.inner_text("label[for=organisation]")
    page.fill("#name", "Fay Free")
    page.fill("#email", "fay@example.org")
    page.click("text=Sign up >> nth=-1")
    page.wait_for_selector("h1:has-text('Check your email')")
    page.goto(link_in(mailbox.wait_for("fay@example.org")[0], "/verify"))
    page.click("button:has-text('Confirm my email')")
    page.wait_for_selector("text=Your email is confirmed")
    assert "None (you may meet anyone)" in page.content()
    person = _person(server, "fay@example.org")
    assert person.status == ParticipantStatus.active and person.organisation_id is None
    page.screenshot(path=str(tmp_path / "manage-independent.png"), full_page=True)


def test_form_errors_are_shown_beside_the_fields_and_input_is_kept(page, server: LiveServer):
    page.goto(server.url + "/")
    page.fill("#name", "Ann Smith")
    page.fill("#email", "not-an-email")
    page.fill("#organisation", "Devon County Council")
    page.click("text=Sign up >> nth=-1")
    error = page.wait_for_selector("#email-error")
    assert error.inner_text() == "That doesn't look like an email address: it needs an @."
    assert page.input_value("#name") == "Ann Smith"
    assert page.get_attribute("#email", "aria-invalid") == "true"
    assert _person(server, "not-an-email") is None


def test_pause_resume_leave_and_erase(page, server: LiveServer, mailbox):
    _sign_up_and_confirm(page, server, mailbox, "bob@example.org")
    until = (utcnow() + timedelta(days=40)).date()
    page.fill("#until", until.isoformat())
    page.click("button:has-text('Pause')")
    page.wait_for_selector("#status:has-text('Paused until')")
    assert _person(server, "bob@example.org").paused_until == until
    # What happened is said at the top, where focus goes.
    assert page.inner_text("#flash[role=status]").startswith("You are paused until ")
    assert page.evaluate("document.activeElement.id") == "flash"

    page.click("button:has-text('Take part again')")
    page.wait_for_selector("#status:has-text('Taking part')")

    page.click("button:has-text('Leave UnMentor')")
    page.wait_for_selector("#status:has-text('You have left')")
    assert page.inner_text("#flash").startswith("You have left UnMentor")
    assert _person(server, "bob@example.org").status == ParticipantStatus.left

    with page.expect_download() as download:
        page.click("text=Download my data")
    assert "bob@example.org" in download.value.path().read_text()

    page.check("input[name=confirm]")
    page.click("button:has-text('Erase me')")
    page.wait_for_selector("h1:has-text('Your data is erased')")
    assert _person(server, "bob@example.org") is None
    page.goto(server.url + "/me")
    page.wait_for_selector("button:has-text('Email me a link')")


def test_sign_in_again_by_emailed_link(page, server: LiveServer, mailbox):
    _sign_up_and_confirm(page, server, mailbox, "cy@example.org")
    page.context.clear_cookies()
    page.goto(server.url + "/me")
    page.fill("#email", "cy@example.org")
    page.click("button:has-text('Email me a link')")
    page.wait_for_selector("h1:has-text('Check your email')")
    messages = mailbox.wait_for("cy@example.org", count=3)  # verify, welcome, sign-in
    login = link_in(next(m for m in messages if "link" in m["Subject"]), "/me/login")
    page.goto(login)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("h1:has-text('Hello, Ann Smith')")


def test_choose_how_often_at_sign_up_and_change_it(page, server: LiveServer, mailbox):
    page.goto(server.url + "/")
    page.fill("#name", "Rae Rhythm")
    page.fill("#email", "rae@example.org")
    page.select_option("#rhythm", "2")
    page.click("text=Sign up >> nth=-1")
    page.wait_for_selector("h1:has-text('Check your email')")
    page.goto(link_in(mailbox.wait_for("rae@example.org")[0], "/verify"))
    page.click("button:has-text('Confirm my email')")
    page.wait_for_selector("text=Your email is confirmed")
    assert page.inner_text("#rhythm").strip() == "Every second round"
    page.select_option("#rhythm-choice", "3")
    page.click("#rhythm-choice ~ button")
    page.wait_for_selector("#rhythm-notice")
    assert page.inner_text("#rhythm").strip() == "Every third round"
    assert _person(server, "rae@example.org").rhythm == 3


def test_write_a_line_about_me_at_sign_up_and_change_it(page, server: LiveServer, mailbox):
    page.goto(server.url + "/")
    page.fill("#name", "Abe About")
    page.fill("#email", "abe@example.org")
    page.fill("#about_me", "I look after the county's bridges")
    page.click("text=Sign up >> nth=-1")
    page.wait_for_selector("h1:has-text('Check your email')")
    page.goto(link_in(mailbox.wait_for("abe@example.org")[0], "/verify"))
    page.click("button:has-text('Confirm my email')")
    page.wait_for_selector("text=Your email is confirmed")
    assert page.inner_text("#about-me").strip() == "I look after the county's bridges"
    page.fill("#about-me-line", "Bridges, and <the people who cross them>")
    page.click("#about-me-line ~ button")
    page.wait_for_selector("#about-notice")
    assert page.inner_text("#about-me").strip() == "Bridges, and <the people who cross them>"
    assert _person(server, "abe@example.org").about_me == "Bridges, and <the people who cross them>"
