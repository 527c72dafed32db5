"""The canonical forms of emails and organisation names, so duplicates are caught at the door."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email


def normalise_email(raw: str) -> str:
    """The address in canonical, lower-case form; ValueError with a readable reason if invalid."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(f"not a valid email address: {error}") from None
    # Mailbox names are case-insensitive in practice; one person, one row.
    return result.normalized.lower()


def tidy_text(raw: str) -> str:
    """Collapse runs of white space and refuse control characters (they break emails)."""
    text = unicodedata.normalize("NFC", " ".join(raw.split()))
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise ValueError("must not contain control characters")
    return text


def organisation_key(name: str) -> str:
    """One key per organisation: case, accents' composition and spacing do not matter."""
    return tidy_text(name).casefold()


def required_text(raw: str) -> str:
    """`tidy_text`, refusing a value that is empty once white space is removed."""
    text = tidy_text(raw)
    if not text:
        raise ValueError("must not be empty")
    return text


def optional_text(raw: str) -> str | None:
    """`tidy_text`, with an empty value meaning 'not given'."""
    return tidy_text(raw) or None
