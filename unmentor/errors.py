"""Errors the services raise; the API, the pages and the CLI each turn them into their own words.

Keeping them free of HTTP lets the same service function serve every caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """A request the service understood but will not carry out; `message` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """The input breaks a rule that only the service can check (a date in the past, say)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    """The thing asked for does not exist (or no longer does)."""


class Conflict(DomainError):
    """The change would break a uniqueness rule or the current state forbids it."""


class LinkInvalid(DomainError):
    """An emailed link that is unknown, already used or expired."""

    def __init__(self, message: str, *, used_by: int | None = None) -> None:
        super().__init__(message)
        # Whose link it was, when it failed only for having been used: a second click on a
        # confirmation link deserves "you are confirmed", not "ask for a new one".
        self.used_by = used_by


class RateLimited(DomainError):
    """Too many requests for one email or one client address in the current window."""

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


# How a field is named in a sentence: to anyone ("an email address"), to the person filling in
# their own form ("your email address"), and as a noun ("The email address must ...").
FIELD_WORDS = {
    "name": ("a name", "your name", "name"),
    "email": ("an email address", "your email address", "email address"),
    "organisation": ("an organisation", "your organisation", "organisation"),
    "sector": ("a sector", "your sector", "sector"),
    "comment": ("a comment", "your comment", "comment"),
    "asker": ("the email of the person who asked", "an email address", "email address"),
    "other": ("the email of the other person", "an email address", "email address"),
    "until": ("a date", "the date to pause until", "date"),
    "about_me": ("a line about yourself", "a line about yourself", "line about you"),
}
_EMPTY_MESSAGES = ("must not be empty", "Please enter an email address.")


def _field_of(problem: Mapping[str, Any]) -> str:
    names = [part for part in problem.get("loc", ()) if isinstance(part, str)]
    return names[-1] if names else ""


def _is_empty(problem: Mapping[str, Any], message: str) -> bool:
    value = problem.get("input")
    if problem.get("type") == "missing" or message in _EMPTY_MESSAGES:
        return True
    if "input" not in problem:
        return False
    # Whatever the check (a string, a date, a number), nothing typed means "please enter it".
    return value is None or (isinstance(value, str) and not value.strip())


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return "This is not valid."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def readable_message(problem: Mapping[str, Any], *, to_person: bool = False) -> str:
    """A pydantic error as a plain sentence about its field: "Please enter your name."

    `to_person`: the person is filling in their own details (a page), so "your email address".
    Our validators' own messages (an email without an @) are sentences already and pass as
    they are; pydantic's get a capital and a full stop at least.
    """
    message = problem.get("msg", "is not valid").removeprefix("Value error, ")
    words = FIELD_WORDS.get(_field_of(problem))
    if words is not None:
        anyone, yours, noun = words
        if _is_empty(problem, message):
            return f"Please enter {yours if to_person else anyone}."
        limit = (problem.get("ctx") or {}).get("max_length")
        if problem.get("type") == "string_too_long" and limit is not None:
            return f"The {noun} can be at most {limit} characters long."
        if message.startswith("must "):
            return f"The {noun} {message}."
    return _sentence(message)


class Busy(DomainError):
    """The database is saturated right now: the caller should try again shortly (HTTP 503).

    Raised instead of letting a request wait without end (or fail with a lock error) when every
    connection or the write lock has been busy for longer than the settings allow.
    """

    def __init__(self, message: str = "", *, retry_after_seconds: int = 5) -> None:
        super().__init__(message or "The service is busy right now; please try again shortly.")
        self.retry_after_seconds = retry_after_seconds
