"""Reading rounds for organisers: summaries with counts, and a round's full detail."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from unmentor.errors import NotFound
from unmentor.people.models import NO_ORGANISATION, Organisation, Participant
from unmentor.rounds.figures import group_outcome, is_conflict, tally
from unmentor.rounds.models import NotMetReason, Outcome, Round, RoundMember, RoundSitOut
from unmentor.rounds.schemas import (
    GroupView,
    MemberView,
    RoundDetail,
    RoundSummary,
    SatOutView,
)


def get_round(*, session: Session, number: int) -> Round:
    """The round with this number, or NotFound."""
    round_ = session.exec(select(Round).where(Round.number == number)).first()
    if round_ is None:
        raise NotFound(f"No round number {number}.")
    return round_


def _answers_by_group(session: Session, round_ids: list[int]) -> dict[int, dict[int, list]]:
    rows = session.exec(
        select(RoundMember.round_id, RoundMember.group_no, RoundMember.outcome).where(
            col(RoundMember.round_id).in_(round_ids)
        )
    ).all()
    groups: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for round_id, group_no, outcome in rows:
        groups[round_id][group_no].append(outcome)
    return groups


def _second_chance_rows(session: Session, round_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per round with second chances: (member rows in second-chance groups, such groups)."""
    rows = session.exec(
        select(RoundMember.round_id, func.count(), func.count(func.distinct(RoundMember.group_no)))
        .where(col(RoundMember.round_id).in_(round_ids), col(RoundMember.chance) > 1)
        .group_by(col(RoundMember.round_id))
    ).all()
    return {round_id: (members, groups) for round_id, members, groups in rows}


UNSPECIFIED = "unspecified"


def _reasons(session: Session, round_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per round, how many members answered "we didn't meet" with each reason.

    Counted per member, not per group: two members of one group may see it differently.
    """
    rows = session.exec(
        select(RoundMember.round_id, RoundMember.reason, func.count())
        .where(
            col(RoundMember.round_id).in_(round_ids), col(RoundMember.outcome) == Outcome.not_met
        )
        .group_by(col(RoundMember.round_id), col(RoundMember.reason))
    ).all()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for round_id, reason, count in rows:
        # StrEnum: str() is the value (sqlmodel's select() types the column as plain str).
        counts[round_id][str(reason) if reason else UNSPECIFIED] = count
    # A fixed order (the reasons' own, then unspecified) for tables and JSON alike.
    order = [r.value for r in NotMetReason] + [UNSPECIFIED]
    return {
        round_id: {key: found[key] for key in order if key in found}
        for round_id, found in counts.items()
    }


def _summary(
    round_: Round,
    groups: dict[int, list],
    sat_out: int,
    reasons: dict[str, int] | None = None,
    second: tuple[int, int] = (0, 0),
) -> dict:
    closed = round_.closed_at is not None
    counted = tally(round_.number, groups, closed=closed)
    figures = counted.as_dict()
    return {
        **figures,
        "period": round_.period,
        "status": "closed" if closed else "open",
        "starts_on": round_.starts_on,
        "reminder_on": round_.reminder_on,
        "closes_on": round_.closes_on,
        "formed_at": round_.formed_at,
        "closed_at": round_.closed_at,
        # Someone given a second chance is in two groups of the round: counted once.
        "people": counted.people - second[0],
        "second_chance_groups": second[1],
        "sat_out": sat_out,
        "reasons": reasons or {},
    }


def list_rounds(*, session: Session) -> list[RoundSummary]:
    """Every round, newest first, with its counts."""
    rounds = session.exec(select(Round).order_by(col(Round.number).desc())).all()
    if not rounds:
        return []
    answers = _answers_by_group(session, [r.id for r in rounds])
    reasons = _reasons(session, [r.id for r in rounds])
    second = _second_chance_rows(session, [r.id for r in rounds])
    sat_out = dict(
        session.exec(
            select(col(RoundSitOut.round_id), func.count()).group_by(col(RoundSitOut.round_id))
        ).all()
    )
    return [
        RoundSummary(
            **_summary(
                r,
                answers.get(r.id, {}),
                sat_out.get(r.id, 0),
                reasons.get(r.id),
                second.get(r.id, (0, 0)),
            )
        )
        for r in rounds
    ]


def get_summary(*, session: Session, number: int) -> RoundSummary:
    """One round's counts."""
    round_ = get_round(session=session, number=number)
    answers = _answers_by_group(session, [round_.id]).get(round_.id, {})
    sat_out = session.exec(select(func.count()).where(RoundSitOut.round_id == round_.id)).one()
    reasons = _reasons(session, [round_.id]).get(round_.id)
    second = _second_chance_rows(session, [round_.id]).get(round_.id, (0, 0))
    return RoundSummary(**_summary(round_, answers, sat_out, reasons, second))


def round_detail(*, session: Session, number: int) -> RoundDetail:
    """One round with every group, every member's answer and who sat out."""
    round_ = get_round(session=session, number=number)
    rows = session.exec(
        select(RoundMember, Participant.name, Participant.email, Organisation.name)
        .join(Participant, col(Participant.id) == RoundMember.participant_id)
        .outerjoin(Organisation, col(Organisation.id) == Participant.organisation_id)
        .where(RoundMember.round_id == round_.id)
        .order_by(col(RoundMember.group_no), col(Participant.name))
    ).all()
    members: dict[int, list[MemberView]] = defaultdict(list)
    answers: dict[int, list[Outcome | None]] = defaultdict(list)
    second_chance_groups: set[int] = set()
    for member, name, email, organisation in rows:
        answers[member.group_no].append(member.outcome)
        if member.chance > 1:
            second_chance_groups.add(member.group_no)
        members[member.group_no].append(
            MemberView(
                participant_id=member.participant_id,
                name=name,
                organisation=organisation or NO_ORGANISATION,
                email=email,
                answer=member.outcome.value if member.outcome else None,
                reason=member.reason,
                comment=member.comment,
                answered_at=member.answered_at,
                reminded=member.reminded_at is not None,
                second_chance=member.second_chance.value if member.second_chance else None,
            )
        )
    closed = round_.closed_at is not None
    groups = [
        GroupView(
            group_no=group_no,
            outcome=group_outcome(answers[group_no], closed=closed),
            conflict=is_conflict(answers[group_no]),
            members=members[group_no],
            second_chance=group_no in second_chance_groups,
        )
        for group_no in sorted(members)
    ]
    sat_out = session.exec(
        select(RoundSitOut.participant_id, Participant.name, RoundSitOut.reason)
        .join(Participant, col(Participant.id) == RoundSitOut.participant_id)
        .where(RoundSitOut.round_id == round_.id)
        .order_by(Participant.name)
    ).all()
    reasons = _reasons(session, [round_.id]).get(round_.id)
    second = _second_chance_rows(session, [round_.id]).get(round_.id, (0, 0))
    summary = _summary(round_, answers, len(sat_out), reasons, second)
    return RoundDetail(
        **summary,
        group_list=groups,
        sat_out_list=[SatOutView(participant_id=p, name=n, reason=r) for p, n, r in sat_out],
    )


@dataclass(frozen=True)
class Comment:
    round_number: int
    name: str
    reason: str
    comment: str


def recent_comments(*, session: Session, rounds: int = 6) -> list[Comment]:
    """What members wrote with "we didn't meet" in the latest rounds, newest round first."""
    latest = select(col(Round.id)).order_by(col(Round.number).desc()).limit(rounds)
    rows = session.exec(
        select(Round.number, Participant.name, RoundMember.reason, RoundMember.comment)
        .join(RoundMember, col(RoundMember.round_id) == Round.id)
        .join(Participant, col(Participant.id) == RoundMember.participant_id)
        .where(col(RoundMember.round_id).in_(latest.scalar_subquery()))
        .where(col(RoundMember.comment).is_not(None))
    ).all()
    found = [
        Comment(number, name, str(reason) if reason else UNSPECIFIED, comment or "")
        for number, name, reason, comment in rows
    ]
    return sorted(found, key=lambda c: (-c.round_number, c.name))
