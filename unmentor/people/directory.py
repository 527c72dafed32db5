"""The organiser's directory of people: find, filter, page through, fix, pause and resume.

Built for 100,000 people: one query for a page of rows (organisation names joined in, no
query per row) and one for the count, both filtered in SQL and limited there. Ordering by
lower(name) uses the expression index ix_participant_name_lower (migration 0010), so a page
of everyone reads 50 index entries instead of sorting every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from unmentor.errors import Conflict, InvalidInput
from unmentor.people.models import Organisation, Participant, ParticipantStatus
from unmentor.people.schemas import ParticipantUpdate
from unmentor.people.service import (
    _merged_target,
    find_organisation,
    get_participant,
    update_participant,
)

PER_PAGE = 50


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    email: str
    organisation_id: int | None
    organisation: str | None  # None: no organisation
    status: ParticipantStatus
    paused_until: date | None


@dataclass(frozen=True)
class PeoplePage:
    rows: list[PersonRow]
    total: int  # how many match, over all pages
    offset: int
    limit: int

    @property
    def first(self) -> int:
        """1-based position of the first row shown (0 when none)."""
        return self.offset + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.offset + len(self.rows)

    @property
    def has_next(self) -> bool:
        return self.last < self.total


def like_pattern(text: str) -> str:
    """`%text%` for LIKE ... ESCAPE '\\', so that a typed % or _ matches only itself."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(
    search: str | None, status: ParticipantStatus | None, organisation_id: int | None
) -> list:
    conditions = []
    if search and search.strip():
        pattern = like_pattern(search.strip().lower())
        conditions.append(
            or_(
                func.lower(Participant.name).like(pattern, escape="\\"),
                # Emails are stored lower-cased (people.normalise), so no lower() is needed.
                Participant.email.like(pattern, escape="\\"),
            )
        )
    if status is not None:
        conditions.append(Participant.status == status)
    if organisation_id is not None:
        conditions.append(Participant.organisation_id == organisation_id)
    return conditions


def search_people(
    *,
    session: Session,
    search: str | None = None,
    status: ParticipantStatus | None = None,
    organisation_id: int | None = None,
    offset: int = 0,
    limit: int = PER_PAGE,
) -> PeoplePage:
    """A page of people ordered by name (ignoring case), and how many match in all.

    `search` is part of a name or email, ignoring case.
    """
    conditions = _conditions(search, status, organisation_id)
    total = session.exec(select(func.count()).select_from(Participant).where(*conditions)).one()
    rows = session.exec(
        select(
            Participant.id,
            Participant.name,
            Participant.email,
            Participant.organisation_id,
            Organisation.name,
            Participant.status,
            Participant.paused_until,
        )
        .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
        .where(*conditions)
        .order_by(func.lower(Participant.name), Participant.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return PeoplePage([PersonRow(*row) for row in rows], total, offset, limit)


def organisation_named(*, session: Session, name: str) -> Organisation | None:
    """The organisation a typed name means (ignoring case and spacing; an old, merged name
    means the organisation it was merged into), or None."""
    found = find_organisation(session=session, name=name)
    return None if found is None else _merged_target(session, found)


def edit_person(
    *, session: Session, participant_id: int, changes: ParticipantUpdate, now: datetime
) -> Participant:
    """Change a person's details (name, email, organisation, sector, rhythm).

    Conflict when the email is someone else's; NotFound when the person is gone.
    """
    participant = get_participant(session=session, participant_id=participant_id)
    return update_participant(session=session, participant=participant, data=changes, now=now)


def pause_person(
    *, session: Session, participant_id: int, until: date | None, now: datetime
) -> Participant:
    """Leave someone taking part out of rounds until `until`, when they are active again."""
    participant = get_participant(session=session, participant_id=participant_id)
    if participant.status not in (ParticipantStatus.active, ParticipantStatus.paused):
        raise Conflict(f"{participant.name} is not taking part, so there is nothing to pause.")
    if until is None:
        raise InvalidInput("Choose the date the pause ends.", field="until")
    if until <= now.date():
        raise InvalidInput("Choose a date after today for the pause to end.", field="until")
    return update_participant(
        session=session,
        participant=participant,
        data=ParticipantUpdate(status=ParticipantStatus.paused, paused_until=until),
        now=now,
    )


def resume_person(*, session: Session, participant_id: int, now: datetime) -> Participant:
    """Make a paused person (or one who left) take part again from the next round."""
    participant = get_participant(session=session, participant_id=participant_id)
    if participant.status == ParticipantStatus.active:
        raise Conflict(f"{participant.name} is already taking part.")
    if participant.status == ParticipantStatus.pending:
        raise Conflict(
            f"{participant.name} has not confirmed their email yet: they take part once they do."
        )
    return update_participant(
        session=session,
        participant=participant,
        data=ParticipantUpdate(status=ParticipantStatus.active),
        now=now,
    )
