"""The sign-up form's errors, as a person meets them: a summary first, each item leading to
its field, the messages plain sentences."""

from __future__ import annotations

import pytest

from tests.conftest import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_an_empty_sign_up_gets_a_summary_that_leads_to_each_field(
    page, server: LiveServer, tmp_path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.url + "/")
    page.click("text=Sign up >> nth=-1")
    summary = page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary", "focus starts there"
    assert summary.get_attribute("role") == "alert"
    items = page.locator("#error-summary li a")
    said = ["Please enter your name.", "Please enter your email address."]
    assert items.all_inner_texts() == said
    assert page.inner_text("#email-error") == "Please enter your email address."
    describedby = page.get_attribute("#email", "aria-describedby").split()
    assert describedby == ["email-error", "email-hint"]
    page.screenshot(path=str(tmp_path / "sign-up-errors.png"), full_page=True)

    items.nth(1).click()
    assert page.evaluate("document.activeElement.id") == "email", "the link puts you in the field"
    page.fill("#name", "Ann Smith")
    page.fill("#email", "ann.example.org")
    page.click("text=Sign up >> nth=-1")
    page.wait_for_selector("#error-summary")
    assert page.locator("#error-summary li").all_inner_texts() == [
        "That doesn't look like an email address: it needs an @."
    ]
    assert "Please fix this before signing up" in page.inner_text("#error-summary")
    assert page.input_value("#name") == "Ann Smith", "what was typed is kept"
    assert page.get_attribute("#name", "aria-invalid") is None
    assert page.get_attribute("#email", "autocomplete") == "email"
