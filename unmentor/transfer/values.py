"""Cell values as our types: dates, periods, round numbers, statuses and 'did they meet'.

Each parser raises ValueError with a short reason, which validation turns into a problem
naming the row and column. People type dates as they please (2023-06-14, 14/06/23,
14-Jun-2023) and spreadsheets hand over real date cells or, when a column was formatted as a
number, Excel serial numbers (45091), so all of these are read. Numeric dates are read in the
`date_order` setting (day first by default, as in the UK); one such as 03/04/2023 that could be
read either way is flagged as ambiguous so that the import can say which cells it guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from unmentor.people.models import ParticipantStatus
from unmentor.rounds.models import Outcome

DateOrder = Literal["DMY", "MDY"]

# Excel counts days from 1899-12-30 (its day 60 is a 29 February 1900 that never was, so
# every later serial lands right from this epoch). Only serials from 1950 to 2099 are taken
# as dates: a smaller number in a date column is far likelier a typo or a bare year.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = ((date(1950, 1, 1) - _EXCEL_EPOCH).days, (date(2099, 12, 31) - _EXCEL_EPOCH).days)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?$", re.IGNORECASE)
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s/.-]+([a-z]+)\.?[\s/.,-]+(\d{4}|\d{2})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{4})")
_NAMED_MONTH_YEAR = re.compile(r"([a-z]+)\.?[\s/.,-]+(\d{4}|\d{2})")

_STATUSES = {
    "": ParticipantStatus.active,
    "active": ParticipantStatus.active,
    "pending": ParticipantStatus.pending,
    "unverified": ParticipantStatus.pending,
    "paused": ParticipantStatus.paused,
    "on hold": ParticipantStatus.paused,
    "left": ParticipantStatus.left,
    "leaver": ParticipantStatus.left,
}
# "x" is a cross in a tick box (met); the crosses drawn as symbols (✗ ✘) say "did not".
_MET = {"yes", "y", "true", "1", "met", "x", "✓", "✔", "☑", "✅", "done", "we met", "happened"}
_NOT_MET = {
    "no",
    "n",
    "false",
    "0",
    "not met",
    "not_met",
    "did not meet",
    "didn't meet",
    "did not",
    "didn't",
    "didnt",
    "✗",
    "✘",
    "☒",
    "❌",
    "no show",
    "cancelled",
}
# Closed without an answer from anyone: counts as a silent round, like a round we ran.
_UNCONFIRMED = {"unconfirmed", "no answer", "no reply", "no response", "not answered", "silent"}
# Nobody wrote it down: the group is history, but says nothing about who answers.
_NOT_RECORDED = {"", "-", "\u2013", "\u2014", "n/a", "na", "unknown", "not known", "not recorded"}
# What a ✓ or ✗ becomes when a file is saved in an encoding that has no such character.
_LOST_MARKS = {"?", "??", "\ufffd", "\u25a1"}


@dataclass(frozen=True)
class Day:
    """A date read from a cell; `ambiguous` when its day and month could be swapped,
    `telling` when numbers only fit the date order read (14/06/23 read day first)."""

    value: date
    ambiguous: bool = False
    telling: bool = False


def text(cell: object) -> str:
    """A cell as trimmed text; a whole-number float (as Excel stores numbers) has no '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def read_date(cell: object, order: DateOrder = "DMY") -> Day | None:
    """A day from a date cell, an Excel serial or typed text; None if blank."""
    if isinstance(cell, datetime):
        return Day(cell.date())
    if isinstance(cell, date):
        return Day(cell)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return Day(_serial(cell, str(text(cell))))
    raw = text(cell)
    if not raw:
        return None
    day = _typed_date(raw, order)
    if day is None:
        raise ValueError(f"'{raw}' is not a date (write it as 2024-03-15 or 15/03/2024)")
    return day


def parse_date(cell: object, order: DateOrder = "DMY") -> date | None:
    """A day, from an Excel date or text such as 2024-03-15 or 15/03/2024; None if blank."""
    day = read_date(cell, order)
    return day.value if day else None


def _serial(number: float, raw: str) -> date:
    if not _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        raise ValueError(f"{raw} is a number, not a date")
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _year(digits: str) -> int:
    # Two-digit years are recent: '23 is 2023, '85 is 1985 (as Python's %y reads them).
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if year < 69 else 1900
    return year


def _month(name: str) -> int | None:
    """A month's number from its name or any abbreviation of three letters or more."""
    if name in _MONTHS:
        return _MONTHS[name]
    if len(name) < 3:
        return None
    return next((number for known, number in _MONTHS.items() if known.startswith(name)), None)


def _typed_date(raw: str, order: DateOrder) -> Day | None:
    clean = _TIME.sub("", raw.lower()).strip()
    if re.fullmatch(r"\d{5}(?:\.\d+)?", clean):
        return Day(_serial(float(clean), clean))
    if found := _NUMERIC.fullmatch(clean):
        return _numeric(found.group(1), found.group(3), found.group(4), raw, order)
    try:
        if found := _ISO.fullmatch(clean):
            return Day(date(*map(int, found.groups())))
        if found := _DAY_MONTH_YEAR.fullmatch(clean):
            month = _month(found.group(2))
            if month is not None:
                return Day(date(_year(found.group(3)), month, int(found.group(1))))
        if found := _MONTH_DAY_YEAR.fullmatch(clean):
            month = _month(found.group(1))
            if month is not None:
                return Day(date(int(found.group(3)), month, int(found.group(2))))
    except ValueError:
        raise ValueError(f"'{raw}' is not a real date") from None
    return None


def _numeric(first: str, second: str, year: str, raw: str, order: DateOrder) -> Day:
    a, b, y = int(first), int(second), _year(year)
    day, month = (a, b) if order == "DMY" else (b, a)
    try:
        value = date(y, month, day)
    except ValueError:
        other = "MDY" if order == "DMY" else "DMY"
        try:
            date(y, day, month)
        except ValueError:
            raise ValueError(f"'{raw}' is not a real date") from None
        words = {"DMY": "day first", "MDY": "month first"}
        raise ValueError(
            f"'{raw}' is not a date {words[order]} (date_order = \"{order}\"); if the file "
            f'writes dates {words[other]}, set date_order = "{other}"'
        ) from None
    return Day(value, ambiguous=a != b and a <= 12 and b <= 12, telling=max(a, b) > 12)


def read_month(cell: object, order: DateOrder = "DMY") -> Day:
    """The first day of the month a cell names: a date, or a month such as 2024-03 or Mar 2024."""
    raw = text(cell)
    clean = raw.lower()
    month = None
    if found := _YEAR_MONTH.fullmatch(clean):
        year, month = int(found.group(1)), int(found.group(2))
    elif found := _MONTH_YEAR.fullmatch(clean):
        month, year = int(found.group(1)), int(found.group(2))
    elif (found := _NAMED_MONTH_YEAR.fullmatch(clean)) and _month(found.group(1)):
        month, year = _month(found.group(1)), _year(found.group(2))
    if month is not None:
        if not 1 <= month <= 12:
            raise ValueError(f"'{raw}' is not a month")
        return Day(date(year, month, 1))
    try:
        day = read_date(cell, order)
    except ValueError as error:
        if "date_order" in str(error):
            raise
        raise ValueError(f"'{raw}' is neither a round number nor a date") from None
    if day is None:
        raise ValueError("is empty")
    return Day(day.value.replace(day=1), day.ambiguous, day.telling)


def parse_month(cell: object, order: DateOrder = "DMY") -> date:
    """The first day of the month a cell names (see read_month)."""
    return read_month(cell, order).value


def parse_round_number(cell: object) -> int | None:
    """A round number if the cell holds a small whole number, else None (it may be a date)."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float) and float(cell).is_integer():
        value = int(cell)
    elif re.fullmatch(r"\d{1,4}", text(cell)):
        value = int(text(cell))
    else:
        return None  # a date, a month or an Excel serial number such as 45091
    if value < 1:
        raise ValueError("round numbers start at 1")
    return value if value < _SERIAL_RANGE[0] else None


def parse_status(cell: object) -> ParticipantStatus:
    """A participant status; blank means active."""
    raw = text(cell).lower()
    if raw not in _STATUSES:
        raise ValueError(f"unknown status {raw!r} (use active, pending, paused or left)")
    return _STATUSES[raw]


def parse_met(cell: object) -> Outcome | None:
    """yes / ✓ -> met, no / ✗ -> not met, 'unconfirmed' -> unconfirmed, blank -> None.

    None is "not recorded": the group happened as far as matching and the pictures go, but
    nobody can tell whether its members answer, so it never counts towards pausing them.
    """
    if isinstance(cell, bool):
        return Outcome.met if cell else Outcome.not_met
    raw = " ".join(text(cell).lower().replace("\u2019", "'").split()).rstrip(".!")
    if raw in _MET:
        return Outcome.met
    if raw in _NOT_MET:
        return Outcome.not_met
    if raw in _UNCONFIRMED:
        return Outcome.unconfirmed
    if raw in _NOT_RECORDED:
        return None
    if raw in _LOST_MARKS:
        raise ValueError(
            f"'{raw}' is not an answer: probably a ✓ or ✗ lost when the file was saved as "
            "Windows-1252; write yes or no, or save the file as UTF-8"
        )
    raise ValueError(f"'{raw}' is not yes, no, ✓, ✗, unconfirmed or blank (not recorded)")
