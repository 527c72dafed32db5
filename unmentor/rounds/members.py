"""Looking up a round's members with the details emails and pages need."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlmodel import Session, col, select

from unmentor.people.models import NO_ORGANISATION, Organisation, Participant
from unmentor.rounds.emails import Person
from unmentor.rounds.models import RoundMember


def groups_with_people(
    *, session: Session, round_id: int, group_nos: set[int] | None = None
) -> dict[int, list[tuple[RoundMember, Person]]]:
    """Each group of the round (or just `group_nos`) with its members' details."""
    query = (
        select(  # type: ignore[call-overload]  # sqlmodel types select() for up to 4 columns
            RoundMember,
            Participant.name,
            Participant.email,
            Organisation.name,
            Participant.sector,
            Participant.free_times,
            Participant.time_zone,
            Participant.about_me,
        )
        .join(Participant, Participant.id == RoundMember.participant_id)
        .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
        .where(RoundMember.round_id == round_id)
        .order_by(RoundMember.group_no, RoundMember.participant_id)
    )
    if group_nos is not None:
        query = query.where(col(RoundMember.group_no).in_(group_nos))
    groups: dict[int, list[tuple[RoundMember, Person]]] = defaultdict(list)
    rows = session.exec(query).all()
    for member, name, email, organisation, sector, free_times, time_zone, about_me in rows:
        person = Person(
            id=member.participant_id,
            name=name,
            email=email,
            organisation=organisation or NO_ORGANISATION,
            sector=sector,
            free_times=free_times,
            time_zone=time_zone,
            about_me=about_me,
        )
        groups[member.group_no].append((member, person))
    return dict(groups)


def meetings_of(groups: dict[int, list[tuple[RoundMember, Person]]]) -> dict[int, datetime]:
    """The slot each group (by number) has picked, for those that have picked one."""
    return {
        group_no: member.meeting_at
        for group_no, members in groups.items()
        for member, _ in members
        if member.meeting_at is not None
    }
