"""Small helpers that put people into a test database."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlmodel import Session

from unmentor.clock import utcnow
from unmentor.people import service
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.people.schemas import ParticipantCreate
from unmentor.rounds.models import Outcome, Round, RoundMember

_numbers = itertools.count(1)


def make_participant(
    session: Session,
    *,
    name: str | None = None,
    email: str | None = None,
    organisation: str | None = "Devon County Council",
    sector: str | None = "Local government",
    status: ParticipantStatus = ParticipantStatus.active,
) -> Participant:
    """An active participant (unless told otherwise) with unique name and email."""
    n = next(_numbers)
    data = ParticipantCreate(
        name=name or f"Person {n}",
        email=email or f"person{n}@example.org",
        organisation=organisation,
        sector=sector,
        status=ParticipantStatus.pending
        if status == ParticipantStatus.pending
        else ParticipantStatus.active,
    )
    participant = service.create_participant(session=session, data=data, now=utcnow())
    if status not in (ParticipantStatus.active, ParticipantStatus.pending):
        participant.status = status
        session.add(participant)
        session.flush()
    return participant


def make_community(session: Session, sizes: dict[str, int]) -> list[Participant]:
    """Active participants: `sizes` maps an organisation name to how many work there."""
    people = []
    for organisation, count in sizes.items():
        for _ in range(count):
            people.append(make_participant(session, organisation=organisation))
    return people


def make_round(
    session: Session,
    groups: list[list[Participant]],
    *,
    number: int,
    period: str,
    closed: bool = True,
    outcome: Outcome | None = None,
) -> Round:
    """A round written straight into the database, with groups of any size (no engine)."""
    starts = date.fromisoformat(f"{period}-01")
    round_ = Round(
        number=number,
        period=period,
        starts_on=starts,
        reminder_on=starts + timedelta(days=14),
        closes_on=starts + timedelta(days=25),
        seed=0,
        closed_at=utcnow() if closed else None,
    )
    session.add(round_)
    session.flush()
    for group_no, group in enumerate(groups, start=1):
        for person in group:
            session.add(
                RoundMember(
                    round_id=round_.id,
                    group_no=group_no,
                    participant_id=person.id,
                    outcome=outcome if outcome is not None else (Outcome.met if closed else None),
                )
            )
    session.flush()
    return round_
