"""Checking a whole file before anything is written: every problem, with its row and column.

Errors stop the import (or, with --skip-bad-rows, drop their row); warnings are reported
and imported anyway, such as two people of one organisation in a past group, which the
matching engine would never make but which history may hold. A row repeated exactly (a paste
done twice) is a warning and read once; two rows that disagree about one person or group are
an error, since only the organiser knows which is right.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from unmentor.people.models import ABOUT_ME_MAX, NAME_MAX, SECTOR_MAX, ParticipantStatus
from unmentor.people.normalise import (
    normalise_email,
    optional_text,
    organisation_key,
    required_text,
)
from unmentor.rounds.models import Outcome
from unmentor.rounds.rhythm import parse_rhythm
from unmentor.transfer import values
from unmentor.transfer.columns import MAX_GROUP, Columns, letter

AMBIGUOUS_LISTED = 10  # cells named in the warning about dates that read either way
_UNREAD = object()  # an outcome that could not be read: never "the same" as another


@dataclass(frozen=True)
class Problem:
    row: int  # 0: the file as a whole
    column: str  # 'C "Email"', or '' when the row as a whole is at fault
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{self.message}" if self.row else f"{kind}{self.message}"


@dataclass
class ParticipantRecord:
    row: int
    name: str
    email: str
    organisation: str | None  # None: no organisation (a blank cell)
    sector: str | None
    joined_on: date | None
    status: ParticipantStatus
    rhythm: int | None = None  # None: the default_rhythm setting
    about_me: str | None = None


@dataclass
class GroupRecord:
    row: int
    period: str  # "2024-03"
    number: int | None
    emails: tuple[str, ...]
    outcome: Outcome | None  # None: not recorded (a blank Met cell)


@dataclass
class Checked:
    """The good records of a file and every problem found in it."""

    records: list = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    date_order: values.DateOrder = "DMY"
    ambiguous: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, text
    # Columns holding a date that fits only the order read (14/06/23 read day first): their
    # ambiguous dates are settled, as a person reading the column would settle them.
    settled: set[str] = field(default_factory=set)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.errors}

    def finish(self) -> Checked:
        """Add the file-wide warnings, once every row has been read."""
        self.ambiguous = [cell for cell in self.ambiguous if cell[1] not in self.settled]
        if self.ambiguous:
            words = "day first" if self.date_order == "DMY" else "month first"
            other = "MDY" if self.date_order == "DMY" else "DMY"
            listed = self.ambiguous[:AMBIGUOUS_LISTED]
            cells = ", ".join(f'row {row} {column} "{raw}"' for row, column, raw in listed)
            more = len(self.ambiguous) - AMBIGUOUS_LISTED
            self.problems.insert(
                0,
                Problem(
                    0,
                    "",
                    f"{len(self.ambiguous)} dates could be read either way and were read "
                    f'{words} (date_order = "{self.date_order}"; set it to "{other}" if that '
                    f"is wrong): {cells}{f' and {more} more' if more > 0 else ''}",
                    warning=True,
                ),
            )
        return self


class _Row:
    """One data row, reading cells by meaning and recording problems against their column."""

    def __init__(self, number: int, cells: Sequence[object], columns: Columns, checked: Checked):
        self.number, self.cells, self.columns, self.checked = number, cells, columns, checked
        self.ok = True

    def cell(self, key: str) -> object:
        i = self.columns.index.get(key)
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def problem(self, key: str | None, message: str, *, warning: bool = False) -> None:
        column = ""
        if key is not None and key in self.columns.index:
            i = self.columns.index[key]
            column = f'{letter(i)} "{self.columns.headers[i]}"'
        self.checked.problems.append(Problem(self.number, column, message, warning))
        self.ok = self.ok and warning

    def read(self, key: str, parse):
        try:
            return parse(self.cell(key))
        except ValueError as error:
            self.problem(key, str(error))
            return None

    def column_name(self, key: str) -> str:
        i = self.columns.index[key]
        return f"column {letter(i)}"

    def read_day(self, key: str, parse=values.read_date):
        """A date (or month) in the file's date order, noting a day/month it had to guess."""
        day = self.read(key, lambda cell: parse(cell, self.checked.date_order))
        if day is None:
            return None
        if day.ambiguous:
            raw = values.text(self.cell(key))
            self.checked.ambiguous.append((self.number, self.column_name(key), raw))
        if day.telling:
            self.checked.settled.add(self.column_name(key))
        return day.value


def _text(parse):
    return lambda cell: parse(values.text(cell))


def _email(cell: object) -> str:
    raw = values.text(cell)
    if not raw:
        raise ValueError("email is empty")
    return normalise_email(raw)


def check_participants(
    rows: Iterable[tuple[int, list]], columns: Columns, *, date_order: values.DateOrder = "DMY"
) -> Checked:
    """Participants: valid email and name, an organisation or none; one row per email."""
    checked = Checked(date_order=date_order)
    seen: dict[str, ParticipantRecord] = {}
    for number, cells in rows:
        checked.rows += 1
        row = _Row(number, cells, columns, checked)
        name = row.read("name", lambda c: _required(c, "name", NAME_MAX))
        email = row.read("email", _email)
        organisation = row.read("organisation", _text(partial(optional_text, max_length=NAME_MAX)))
        sector = row.read("sector", _text(partial(optional_text, max_length=SECTOR_MAX)))
        joined = row.read_day("joined")
        status = row.read("status", values.parse_status)
        every = row.read("rhythm", parse_rhythm)
        about = row.read("about_me", _text(partial(optional_text, max_length=ABOUT_ME_MAX)))
        record = ParticipantRecord(
            number, name, email, organisation, sector, joined, status, every, about
        )
        if email is not None and email in seen:
            first = seen[email]
            if row.ok and _same_person(first, record):
                row.problem(None, f"the same as row {first.row}, so read once", warning=True)
                continue
            row.problem("email", f"{email} is already on row {first.row}, with other details")
        elif email is not None and row.ok:
            seen[email] = record
        if row.ok:
            checked.records.append(record)
    return checked.finish()


def _same_person(a: ParticipantRecord, b: ParticipantRecord) -> bool:
    """The same details, an organisation spelt two ways ("NHS devon ") counting as one."""
    fields = ("name", "email", "sector", "joined_on", "status", "rhythm", "about_me")
    same_org = (a.organisation and organisation_key(a.organisation)) == (
        b.organisation and organisation_key(b.organisation)
    )
    return same_org and all(getattr(a, f) == getattr(b, f) for f in fields)


def _required(cell: object, what: str, max_length: int) -> str:
    try:
        return required_text(values.text(cell), max_length=max_length)
    except ValueError as error:
        raise ValueError(f"{what} {error}") from None


def check_rounds(
    rows: Iterable[tuple[int, list]],
    columns: Columns,
    *,
    people: dict[str, str],
    rounds: dict[int, str],
    date_order: values.DateOrder = "DMY",
) -> Checked:
    """Past groups: known people, nobody twice in a round, one period per round number.

    `people` maps each known email to its organisation key (None: no organisation), `rounds`
    each existing round number to its period.
    """
    checked = Checked(date_order=date_order)
    number_of_period = {period: number for number, period in rounds.items()}
    period_of_number: dict[int, tuple[str, int]] = {}  # from the file: number -> (period, row)
    placed: dict[tuple[str, str], int] = {}  # (period, email) -> row
    groups: dict[tuple[str, frozenset], tuple[int, object]] = {}
    for number, cells in rows:
        checked.rows += 1
        row = _Row(number, cells, columns, checked)
        round_no, period = _round_of(row)
        if round_no is not None and period is None:
            period = rounds.get(round_no) or period_of_number.get(round_no, (None,))[0]
            if period is None:
                row.problem("round", f"round {round_no} is new: give its date (a Date column)")
        if period is not None and round_no is not None:
            known = rounds.get(round_no) or period_of_number.get(round_no, (None,))[0]
            other = number_of_period.get(period)
            if known is not None and known != period:
                row.problem("round", f"round {round_no} is {known}, not {period}")
            elif other is not None and other != round_no:
                row.problem("round", f"{period} is round {other}, not round {round_no}")
            else:
                period_of_number.setdefault(round_no, (period, number))
        emails = _members(row, people)
        outcome = row.read("met", values.parse_met)
        if period is not None and emails:
            key = (period, frozenset(emails))
            if key in groups:
                first, first_outcome = groups[key]
                if row.ok and first_outcome == outcome:
                    row.problem(None, f"the same group as row {first}, so read once", warning=True)
                    continue
                if row.ok or first_outcome is not _UNREAD:  # else both rows are flagged
                    row.problem("met", f"the same group as row {first}, with another outcome")
            else:
                groups[key] = (number, outcome if row.ok else _UNREAD)
                for i, email in enumerate(emails, start=1):
                    if (period, email) in placed:
                        row.problem(
                            f"member{i}",
                            f"{email} is already in a group of this round (row "
                            f"{placed[(period, email)]})",
                        )
                    else:
                        placed[(period, email)] = number
        if row.ok:
            assert period is not None  # a row with no period of its round has a problem
            checked.records.append(GroupRecord(number, period, round_no, tuple(emails), outcome))
    return checked.finish()


def _round_of(row: _Row) -> tuple[int | None, str | None]:
    """The round's number and period ('2024-03') as far as the row gives them."""
    round_no = row.read("round", values.parse_round_number)
    period = None
    raw = values.text(row.cell("round"))
    if round_no is None and raw and row.ok:
        month = row.read_day("round", values.read_month)
        period = month and f"{month:%Y-%m}"
    if values.text(row.cell("date")):
        month = row.read_day("date", values.read_month)
        period = month and f"{month:%Y-%m}"
    if round_no is None and period is None and row.ok:
        row.problem("round" if "round" in row.columns.index else "date", "no round given")
    return round_no, period


def _members(row: _Row, people: dict[str, str]) -> list[str]:
    emails: list[str] = []
    organisations: dict[str, str] = {}
    for i in range(1, MAX_GROUP + 1):
        key = f"member{i}"
        if not values.text(row.cell(key)):
            if i <= 2:
                row.problem(key, "a group needs at least two people; this email is empty")
            continue
        email = row.read(key, _email)
        if email is None:
            continue
        if email not in people:
            row.problem(key, f"{email} is not a participant (import participants first)")
        elif email in emails:
            row.problem(key, f"{email} is twice in this group")
        else:
            org = people[email]
            if org is not None and org in organisations:
                row.problem(
                    key,
                    f"{email} and {organisations[org]} are from the same organisation",
                    warning=True,
                )
            organisations.setdefault(org, email)
            emails.append(email)
    return emails if len(emails) >= 2 else []
