"""Which spreadsheet column means what: header names matched loosely, and the kind of file.

People name columns as they please ("E-mail address", "Org", "Date joined"), so a header is
folded (case, spaces, punctuation) and looked up among synonyms; the command then prints
what it read as what, so a surprise is visible before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

PARTICIPANTS = "participants"
ROUNDS = "past rounds"
BLOCKED = "blocked pairs"
# Person 1 .. Person 9: groups of any size a community might use (group_size goes up to 4,
# and leftovers make a few groups one larger).
MAX_GROUP = 9

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "fullname", "participant", "participant name", "person"),
    "email": ("email", "e mail", "email address", "e mail address", "mail", "emailaddress"),
    "organisation": (
        "organisation",
        "organization",
        "org",
        "organisation name",
        "organization name",
        "employer",
        "company",
        "agency",
    ),
    "sector": ("sector", "industry", "area"),
    "joined": ("joined", "joined on", "date joined", "joined date", "join date", "start date"),
    "status": ("status", "state"),
    "rhythm": ("rhythm", "how often", "frequency", "take part"),
    "about_me": ("about me", "about", "bio", "profile", "one line profile", "one liner"),
    "round": ("round", "round number", "round no", "round date", "number"),
    "date": ("date", "period", "month", "round month"),
    "met": ("met", "did they meet", "outcome", "happened", "meeting happened"),
    # Never-match lists: "Email" asked never to be introduced to "Never meet email".
    "never": (
        "never meet",
        "never meet email",
        "never match",
        "never match email",
        "never introduce to",
        "never introduce me to",
        "blocked",
        "blocked email",
        "keep apart from",
    ),
    "source": ("added by", "source"),
    # "Email, Partner email": the second person of a pair (or "Person, Partner").
    "partner": (
        "partner",
        "partner email",
        "partner e mail",
        "partner email address",
        "paired with",
        "matched with",
        "met with",
    ),
    "added": ("added on", "added", "created", "created at"),
}
_LOOKUP = {variant: key for key, variants in _SYNONYMS.items() for variant in variants}
# "Person 1 email", "Member 2", "participant 3 e-mail", "email 1", "p1", "Person A",
# "Partner 2", "Participant B email"
_MEMBER = re.compile(
    r"^(?:person|member|participant|partner|p|email|e mail|mail)(?:\s*(\d)|\s+([a-i]))"
    r"(?:\s*e ?mail(?: address)?)?$"
)

REQUIRED = {
    PARTICIPANTS: ("name", "email", "organisation"),
    ROUNDS: ("member1", "member2"),
    BLOCKED: ("email", "never"),
}


def fold(header: object) -> str:
    """A header as lower-case words: 'E-Mail  Address:' -> 'e mail address'."""
    return " ".join(re.sub(r"[\W_]+", " ", str(header or "").lower()).split())


def meaning(header: object) -> str | None:
    """What a header stands for ('email', 'member2' ...), or None if unknown."""
    folded = fold(header)
    if folded in _LOOKUP:
        return _LOOKUP[folded]
    member = _MEMBER.match(folded)
    if member is None:
        return None
    digit, letter_ = member.groups()
    number = int(digit) if digit else ord(letter_) - ord("a") + 1
    return f"member{number}" if 1 <= number <= MAX_GROUP else None


@dataclass
class Columns:
    """The kind of file and, for each meaning, the index of the column holding it."""

    kind: str
    index: dict[str, int]
    headers: list[str]
    ignored: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        """One line per column read, for the user to check: 'column B "E-mail" -> email'."""
        lines = [
            f'column {letter(i)} "{self.headers[i]}" -> {key}'
            for key, i in sorted(self.index.items(), key=lambda item: item[1])
        ]
        lines += [f"ignored: {name}" for name in self.ignored]
        return lines


def letter(index: int) -> str:
    """Spreadsheet letters for a 0-based column index: 0 -> A, 27 -> AB."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def recognise(headers: Sequence[object]) -> Columns | None:
    """The columns of a header row if it is a participants or past-rounds file, else None."""
    index: dict[str, int] = {}
    ignored = []
    texts = [str(h).strip() if h is not None else "" for h in headers]
    for i, header in enumerate(texts):
        key = meaning(header)
        # "Person 1" (a name) beside "Person 1 email": the email column is the one to read.
        if (
            key is not None
            and key.startswith("member")
            and key in index
            and _mentions_email(header)
            and not _mentions_email(texts[index[key]])
        ):
            ignored.append(f'column {letter(index[key])} "{texts[index[key]]}"')
            index[key] = i
            continue
        if key is None or key in index:
            if header:
                ignored.append(f'column {letter(i)} "{header}"')
            continue
        index[key] = i
    if "partner" in index:
        partner = index.pop("partner")
        first = index.get("member1", index.get("email", index.get("name")))
        if "member2" not in index and first is not None and {"round", "date"} & index.keys():
            # One row per pair, written from one side: "Email" (or "Person") and "Partner".
            index["member1"], index["member2"] = first, partner
            for key in ("email", "name"):
                if index.get(key) == first:
                    del index[key]
        else:
            ignored.append(f'column {letter(partner)} "{texts[partner]}"')
    # A member column wins over a "name" reading: a rounds file has no names to import.
    for kind in (ROUNDS, BLOCKED, PARTICIPANTS):
        if all(key in index for key in REQUIRED[kind]):
            if kind == ROUNDS and not ({"round", "date"} & index.keys()):
                continue
            return Columns(kind=kind, index=index, headers=texts, ignored=ignored)
    return None


def _mentions_email(header: str) -> bool:
    return "mail" in fold(header)


def expected() -> str:
    """The headers we look for, for a message when none are found."""
    return (
        "participants need Name, Email and Organisation columns; past rounds need Round "
        "(or Date), Person 1 email and Person 2 email (or Person A / B, Participant 1 / 2, "
        "Email and Partner); never-match lists need Email and "
        "Never meet email"
    )
