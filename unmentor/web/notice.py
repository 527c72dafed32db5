"""The privacy notice shown at sign-up and on /me, and which version of it was shown.

An organiser can replace the built-in text with a file of their own (`privacy_notice_file`);
the version is a hash of the text, so each sign-up records exactly which words it was shown
without anyone having to number their edits.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from unmentor.settings import Settings

BUILT_IN = Path(__file__).parent / "templates" / "privacy_notice.html"
VERSION_LENGTH = 12
VERSION_PATTERN = re.compile(rf"[0-9a-f]{{{VERSION_LENGTH}}}")


@dataclass(frozen=True)
class Notice:
    html: Markup
    version: str


def privacy_notice(settings: Settings) -> Notice:
    """The current notice; read on every use, so an edited file shows without a restart."""
    path = Path(settings.privacy_notice_file) if settings.privacy_notice_file else BUILT_IN
    # The organiser's own HTML, trusted as a template is: it is theirs, not a visitor's.
    text = path.read_text(encoding="utf-8")
    version = hashlib.sha256(text.encode()).hexdigest()[:VERSION_LENGTH]
    return Notice(html=Markup(text), version=version)


def shown_version(raw: str) -> str | None:
    """The version a form says it showed, if it looks like one of ours."""
    raw = raw.strip()
    return raw if VERSION_PATTERN.fullmatch(raw) else None
