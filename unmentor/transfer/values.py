"""Cell values as our types: dates, periods, round numbers, statuses and 'did they meet'.

Each parser raises ValueError with a short reason, which validation turns into a problem
naming the row and column. Dates are read day-first (15/03/2024), as in the UK.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from unmentor.people.models import ParticipantStatus
from unmentor.rounds.models import Outcome

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d %b %Y", "%d %B %Y")
_MONTH_FORMATS = ("%Y-%m", "%b %Y", "%B %Y", "%m/%Y", "%Y/%m")
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
_MET = {"yes", "y", "true", "1", "met", "x", "✓", "done"}
_NOT_MET = {"no", "n", "false", "0", "not met", "not_met", "did not meet", "didn't meet"}
_UNCONFIRMED = {"", "unconfirmed", "unknown", "?", "not sure", "pending"}


def text(cell: object) -> str:
    """A cell as trimmed text; a whole-number float (as Excel stores numbers) has no '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def parse_date(cell: object) -> date | None:
    """A day, from an Excel date or text such as 2024-03-15 or 15/03/2024; None if blank."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    raw = text(cell)
    if not raw:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{raw!r} is not a date (write it as 2024-03-15 or 15/03/2024)")


def parse_month(cell: object) -> date:
    """The first day of the month a cell names: a date, or a month such as 2024-03 or Mar 2024."""
    raw = text(cell)
    for fmt in _MONTH_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    try:
        day = parse_date(cell)
    except ValueError:
        raise ValueError(f"{raw!r} is neither a round number nor a date") from None
    if day is None:
        raise ValueError("is empty")
    return day.replace(day=1)


def parse_round_number(cell: object) -> int | None:
    """A round number if the cell holds a whole number, else None (it may be a date)."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float) and float(cell).is_integer():
        value = int(cell)
    elif re.fullmatch(r"\d{1,6}", text(cell)):
        value = int(text(cell))
    else:
        return None
    if value < 1:
        raise ValueError("round numbers start at 1")
    return value


def parse_status(cell: object) -> ParticipantStatus:
    """A participant status; blank means active."""
    raw = text(cell).lower()
    if raw not in _STATUSES:
        raise ValueError(f"unknown status {raw!r} (use active, pending, paused or left)")
    return _STATUSES[raw]


def parse_met(cell: object) -> Outcome:
    """yes -> met, no -> not met, blank -> unconfirmed."""
    if isinstance(cell, bool):
        return Outcome.met if cell else Outcome.not_met
    raw = " ".join(text(cell).lower().split())
    if raw in _MET:
        return Outcome.met
    if raw in _NOT_MET:
        return Outcome.not_met
    if raw in _UNCONFIRMED:
        return Outcome.unconfirmed
    raise ValueError(f"{raw!r} is not yes, no or blank")
