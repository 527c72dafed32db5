"""The canonical forms of emails and names, so duplicates and look-alikes are caught at the door.

The one place for it: the API, the pages, the CLI and the import all validate through here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

# A plain ASCII dot-atom local part, which email_validator accepts as it is whenever it is at
# most 64 characters long: only the domain then needs the full (slow) check.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


EMAIL_EMPTY = "Please enter an email address."
EMAIL_NEEDS_AT = "That doesn't look like an email address: it needs an @."
NOT_AN_EMAIL = "That doesn't look like an email address"


def normalise_email(raw: str) -> str:
    """The address in canonical, lower-case form; ValueError with a plain sentence if invalid.

    An import checks 100,000 addresses that share a few hundred domains: the domain's check
    (IDNA, special-use names) is remembered per domain, and a plain local part needs none, so
    the result is the same as checking each address whole (tests/people/test_normalise.py).
    """
    address = raw.strip()
    local, at, domain = address.rpartition("@")
    if at and domain.isascii() and len(local) <= 64 and _PLAIN_LOCAL.fullmatch(local):
        normalised = f"{local}@{_normalised_domain(domain)}"
        if len(normalised) <= 254:
            return normalised.lower()
    return _checked_whole(address)


@lru_cache(maxsize=4096)
def _normalised_domain(domain: str) -> str:
    return _checked_whole(f"x@{domain}").partition("@")[2]


def _checked_whole(address: str) -> str:
    if not address:
        raise ValueError(EMAIL_EMPTY)
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        if "@" not in address:
            raise ValueError(EMAIL_NEEDS_AT) from None
        # email_validator's reasons are sentences ("There must be something after the
        # @-sign."): said after ours, in the same voice.
        reason = str(error)
        raise ValueError(f"{NOT_AN_EMAIL}: {reason[:1].lower()}{reason[1:]}") from None
    # Mailbox names are case-insensitive in practice; one person, one row.
    return result.normalized.lower()


# Invisible characters that reorder or hide text: in a name they can make "Ann" read as
# someone else's name in a page, a picture or an email subject. They are removed, not refused,
# because a copy-paste from a document can carry them innocently.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = str.maketrans("", "", BIDI_CONTROLS + ZERO_WIDTH)


def tidy_text(raw: str) -> str:
    """One canonical form for names, organisations and sectors, however they were typed.

    NFKC folds look-alike forms (full-width letters, ligatures) into ordinary ones; bidi
    controls and zero-width characters are removed; runs of white space become one space.
    Control characters are refused (they break emails).
    """
    text = unicodedata.normalize("NFKC", raw.translate(_INVISIBLE))
    text = " ".join(text.translate(_INVISIBLE).split())
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise ValueError("must not contain control characters")
    return text


def organisation_key(name: str) -> str:
    """One key per organisation: case, accents' composition and spacing do not matter."""
    return tidy_text(name).casefold()


def required_text(raw: str, *, max_length: int | None = None) -> str:
    """`tidy_text`, refusing a value that is empty once white space is removed."""
    text = _at_most(tidy_text(raw), max_length)
    if not text:
        raise ValueError("must not be empty")
    return text


def optional_text(raw: str, *, max_length: int | None = None) -> str | None:
    """`tidy_text`, with an empty value meaning 'not given'."""
    return _at_most(tidy_text(raw), max_length) or None


def _at_most(text: str, max_length: int | None) -> str:
    # Checked after NFKC, which can lengthen text (one ligature becomes several letters).
    if max_length is not None and len(text) > max_length:
        raise ValueError(f"must be at most {max_length} characters")
    return text
