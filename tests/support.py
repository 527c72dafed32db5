"""Helpers for tests that are not fixtures: reading emails, constants."""

from __future__ import annotations

from email.message import Message
from urllib.parse import parse_qs, urlsplit

ORGANISER_TOKEN = "organiser-token-for-tests-0123456789"


def body_of(message: Message) -> str:
    return message.get_payload(decode=True).decode()


def link_in(message: Message, path: str) -> str:
    """The first link in the email whose path starts with `path`."""
    for word in body_of(message).split():
        if path in word and word.startswith("http"):
            return word
    raise AssertionError(f"no {path} link in:\n{body_of(message)}")


def token_of(link: str) -> str:
    """The token query parameter of an emailed link."""
    return parse_qs(urlsplit(link).query)["token"][0]


def hidden_field(html: str, name: str) -> str:
    """The value of a hidden form field in a page."""
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def press_button(http, link: str, action: str):
    """Open an emailed link and press its button, as a person would."""
    page = http.get(link)
    assert page.status_code == 200, page.text
    return http.post(
        action,
        data={"csrf_token": hidden_field(page.text, "csrf_token"), "token": token_of(link)},
    )
