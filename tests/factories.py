"""Small helpers that put people into a test database."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from unmentor.clock import utcnow
from unmentor.people import service
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.people.schemas import ParticipantCreate

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
