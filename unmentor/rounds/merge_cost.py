"""What a merge of two organisations cost: pairs grouped across them before it.

It reads both the merge record (people) and the rounds, so it sits with rounds, above people.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from unmentor.errors import NotFound
from unmentor.people.models import OrganisationMerge, OrganisationMergeMember, Participant
from unmentor.rounds.models import Round, RoundMember


@dataclass(frozen=True)
class CrossPair:
    """Two people from the two merged organisations who were grouped before the merge."""

    round_number: int
    source_member: int
    target_member: int


def pairs_across(*, session: Session, merge_id: int) -> list[CrossPair]:
    """Pairs grouped before the merge with one member moved by it and one already in the target.

    These are the introductions the rule should have prevented: what the duplicate cost. People
    erased since are not counted (their rows are gone); people who left the target since are.
    """
    record = session.get(OrganisationMerge, merge_id)
    if record is None:
        raise NotFound(f"No merge with id {merge_id}.")
    moved = set(
        session.exec(
            select(OrganisationMergeMember.participant_id).where(
                OrganisationMergeMember.merge_id == record.id
            )
        )
    )
    # Members of the target at the merge: in it now or moved out since, minus those the merge
    # (or a later one) brought in. Approximated by "in the target now, not moved by this merge".
    target_members = (
        set(
            session.exec(
                select(Participant.id).where(Participant.organisation_id == record.target_id)
            )
        )
        - moved
    )
    if not moved or not target_members:
        return []
    groups: dict[tuple[int, int, int], list[int]] = {}
    rows = session.exec(
        select(Round.number, RoundMember.round_id, RoundMember.group_no, RoundMember.participant_id)
        .join(Round, col(Round.id) == RoundMember.round_id)
        .where(
            Round.formed_at < record.merged_at,
            col(RoundMember.participant_id).in_(moved | target_members),
        )
    )
    for number, round_id, group_no, participant_id in rows:
        groups.setdefault((number, round_id, group_no), []).append(participant_id)
    return [
        CrossPair(round_number=number, source_member=a, target_member=b)
        for (number, _, _), people in sorted(groups.items())
        for a in people
        if a in moved
        for b in people
        if b in target_members
    ]
