"""Never-match lists in and out: one row per request, by email.

    Email, Never meet email, [Added by: participant | organiser | import], [Added on]

Everyone in the Email column must be a participant. A request a participant made on their
page comes back as the address they typed (it may belong to nobody, and their page then shows
only that address); any other request must name a participant, and is kept by id. Importing
a file twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from unmentor.blocking.models import BlockSource
from unmentor.blocking.service import insert_once, insert_typed
from unmentor.people.models import Participant
from unmentor.transfer import values
from unmentor.transfer.columns import Columns
from unmentor.transfer.validate import Checked, _email, _Row
from unmentor.words import count, plural

HEADER = ["Email", "Never meet email", "Added by", "Added on"]
KEYS = ("email", "never_meet_email", "added_by", "added_on")  # in unmentor.json


@dataclass
class BlockedRecord:
    row: int
    email: str
    other_email: str
    source: BlockSource
    added: datetime | None


def _source(cell: object) -> BlockSource:
    raw = values.text(cell).lower()
    if not raw:
        return BlockSource.imported
    try:
        return BlockSource(raw)
    except ValueError:
        raise ValueError(
            f"'{raw}' is not one of participant, organiser, import (or blank)"
        ) from None


def _added(cell: object, order: values.DateOrder = "DMY") -> datetime | None:
    if isinstance(cell, datetime):
        return cell if cell.tzinfo else cell.replace(tzinfo=UTC)
    raw = values.text(cell)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        day = values.parse_date(raw, order)
        assert day is not None  # None only for a blank cell, ruled out above
        moment = datetime(day.year, day.month, day.day)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_blocked(
    rows: Iterable[tuple[int, list]],
    columns: Columns,
    *,
    people: dict[str, str],
    date_order: values.DateOrder = "DMY",
) -> Checked:
    """Requests: both addresses valid, the asker a participant, never themselves."""
    checked = Checked(date_order=date_order)
    seen: dict[tuple[str, str], tuple[int, BlockSource, datetime | None]] = {}
    for number, cells in rows:
        checked.rows += 1
        row = _Row(number, cells, columns, checked)
        email = row.read("email", _email)
        other = row.read("never", _email)
        source = row.read("source", _source)
        added = row.read("added", lambda cell: _added(cell, date_order))
        if email is not None and email not in people:
            row.problem("email", f"{email} is not a participant (import participants first)")
        if email is not None and other is not None:
            if email == other:
                row.problem("never", "a person cannot be kept apart from themselves")
            elif (email, other) in seen:
                first, first_source, first_added = seen[(email, other)]
                if row.ok and (first_source, first_added) == (source, added):
                    row.problem(None, f"the same as row {first}, so read once", warning=True)
                    continue
                row.problem(None, f"the same request as row {first}, with other details")
            else:
                seen[(email, other)] = (number, source, added)
        if other is not None and source is not BlockSource.participant and other not in people:
            row.problem("never", f"{other} is not a participant (import participants first)")
        if row.ok:
            checked.records.append(BlockedRecord(number, email, other, source, added))
    return checked.finish()


@dataclass
class BlockedPlan:
    records: list[BlockedRecord]
    new: int = 0

    def sentences(self, *, dry_run: bool) -> list[str]:
        """What the import writes (or would), as sentences for people."""
        verb = "Would import" if dry_run else "Imported"
        said = [
            f"{verb} {count(self.new, 'never-match request')}."
            if self.new
            else "Nothing new to import."
        ]
        existing = len(self.records) - self.new
        if existing:
            tense = "would be" if dry_run else plural(existing, "was")
            said.append(
                f"{count(existing, 'never-match request')} already there {tense} left unchanged."
            )
        return said


def write_blocked(*, session: Session, records: list[BlockedRecord], now: datetime) -> BlockedPlan:
    """Insert the requests that are new; what exists is left as it is."""
    ids = dict(session.exec(select(Participant.email, Participant.id)).all())
    plan = BlockedPlan(records)
    for record in records:
        if record.source is BlockSource.participant:
            row = insert_typed(
                session,
                participant_id=ids[record.email],
                address=record.other_email,
                source=record.source,
                now=record.added or now,
            )
        else:
            row = insert_once(
                session,
                participant_id=ids[record.email],
                other_id=ids[record.other_email],
                other_email=None,
                source=record.source,
                now=record.added or now,
            )
        plan.new += row is not None
    return plan
