"""Helpers for tests that are not fixtures: reading emails, constants."""

from __future__ import annotations

from email.message import Message
from urllib.parse import parse_qs, urlsplit

ORGANISER_TOKEN = "organiser-token-for-tests-0123456789"


def text_part(message: Message) -> Message:
    """The text/plain part of an email (the email itself when it is not multipart)."""
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            return part
    raise AssertionError(f"no text/plain part in {message['Subject']!r}")


def html_part(message: Message) -> str:
    """The decoded text/html alternative of an email."""
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode()
    raise AssertionError(f"no text/html part in {message['Subject']!r}")


def body_of(message: Message) -> str:
    return text_part(message).get_payload(decode=True).decode()


def link_in(message: Message, path: str) -> str:
    """The first link in the email whose path starts with `path`."""
    for word in body_of(message).split():
        if path in word and word.startswith("http"):
            return word
    raise AssertionError(f"no {path} link in:\n{body_of(message)}")


def newest_link(mailbox, email: str, path: str, *, after: int) -> str:
    """The link to `path` in the first email after the first `after` that has one.

    Another email (a welcome, say) can be on its way from the relay at the same time, so the
    next email to arrive is not necessarily the one asked for.
    """
    count = after + 1
    while True:
        messages = mailbox.wait_for(email, count=count)  # fails the test when none comes
        for message in messages[after:]:
            if path in body_of(message):
                return link_in(message, path)
        count = len(messages) + 1


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


def sign_in_by_link(server, http, mailbox, email: str) -> None:
    """Ask for a sign-in link on /me, then use it, as a participant would."""
    before = len(mailbox.to(email))
    page = http.get("/me")
    asked = http.post(
        "/me/link", data={"csrf_token": hidden_field(page.text, "csrf_token"), "email": email}
    )
    assert asked.status_code == 200 and "Check your email" in asked.text
    server.deliver_mail()  # whether or not the request sent it already
    link = newest_link(mailbox, email, "/me/login", after=before)
    assert press_button(http, link, "/me/login").status_code == 303


def post_form(http, path: str, **data):
    """POST a form on a page of ours, with the CSRF token of this browser."""
    csrf = hidden_field(http.get("/me").text, "csrf_token")
    return http.post(path, data={"csrf_token": csrf, **data})
