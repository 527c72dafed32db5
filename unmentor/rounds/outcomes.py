"""Answers to "did you meet?", closing a round, and pausing people who never answer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, exists, update
from sqlmodel import Session, select

from unmentor.errors import Conflict, InvalidInput, LinkInvalid
from unmentor.links.urls import MANAGE_PATH, absolute
from unmentor.mail.compose import compose
from unmentor.mail.outbox import enqueue
from unmentor.organisers import audit
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds.models import COMMENT_MAX, NotMetReason, Outcome, Round, RoundMember
from unmentor.rounds.tokens import read_outcome_token
from unmentor.settings import Settings


@dataclass(frozen=True)
class Answer:
    round: Round
    member: RoundMember
    partner_names: list[str]


def member_for_token(*, session: Session, settings: Settings, token: str) -> Answer:
    """The round and member an answer link belongs to; LinkInvalid if none."""
    round_id, participant_id, chance = read_outcome_token(
        settings.secret_key.get_secret_value(), token
    )
    member = session.exec(
        select(RoundMember).where(
            RoundMember.round_id == round_id,
            RoundMember.participant_id == participant_id,
            RoundMember.chance == chance,
        )
    ).first()
    if member is None:
        # A genuine token whose member is gone: they (or their data) were erased.
        raise LinkInvalid("This link no longer belongs to anyone taking part.")
    partners = session.exec(
        select(Participant.name)
        .join(RoundMember, RoundMember.participant_id == Participant.id)
        .where(
            RoundMember.round_id == round_id,
            RoundMember.group_no == member.group_no,
            RoundMember.participant_id != participant_id,
        )
        .order_by(Participant.name)
    ).all()
    return Answer(round=session.get(Round, round_id), member=member, partner_names=list(partners))


@dataclass(frozen=True)
class Recorded:
    round_number: int
    outcome: Outcome
    reason: NotMetReason | None


# Built once: constructing SQLAlchemy statements costs more than running these two, and this
# is the path a whole round's members take within hours of one another (issue 9).
_WRITE_ANSWER = (
    update(RoundMember)
    .where(
        RoundMember.round_id == bindparam("answer_round"),
        RoundMember.participant_id == bindparam("answer_participant"),
        RoundMember.chance == bindparam("answer_chance"),
        # Only while the round is open: an answer racing the closing cannot land after it.
        exists().where(Round.id == RoundMember.round_id, Round.closed_at.is_(None)),
    )
    .values(
        outcome=bindparam("new_outcome"),
        reason=bindparam("new_reason"),
        comment=bindparam("new_comment"),
        answered_at=bindparam("new_answered_at"),
    )
    .returning(RoundMember.round_id)
)
_ROUND_NUMBER = select(Round.number).where(Round.id == bindparam("round_id"))


def record_answer(
    *,
    session: Session,
    settings: Settings,
    token: str,
    outcome: Outcome,
    reason: NotMetReason | None,
    now: datetime,
    comment: str | None = None,
) -> Recorded:
    """Store a member's answer; they may change it until the round closes.

    One statement writes the whole answer (outcome, reason, time): two answers racing each
    other leave one of them whole, never "met" with the other's not-met reason.
    """
    if outcome == Outcome.unconfirmed:
        raise Conflict("Answer 'met' or 'not_met'.")
    round_id, participant_id, chance = read_outcome_token(
        settings.secret_key.get_secret_value(), token
    )
    reason = reason if outcome == Outcome.not_met else None
    # Only with "we didn't meet"; a changed answer drops an earlier comment with it.
    comment = clean_comment(comment) if outcome == Outcome.not_met else None
    # On the connection, as plain SQL, skipping the ORM's bulk-update machinery.
    written = (
        session.connection()
        .execute(
            _WRITE_ANSWER,
            {
                "answer_round": round_id,
                "answer_participant": participant_id,
                "answer_chance": chance,
                "new_outcome": outcome,
                "new_reason": reason,
                "new_comment": comment,
                "new_answered_at": now,
            },
        )
        .first()
    )
    if written is None:
        # Not written: either the round has closed or the member is gone (erased).
        member_for_token(session=session, settings=settings, token=token)
        raise Conflict("This round is closed, so answers can no longer be recorded.")
    number = session.connection().execute(_ROUND_NUMBER, {"round_id": round_id}).scalar_one()
    return Recorded(round_number=number, outcome=outcome, reason=reason)


def clean_comment(comment: str | None) -> str | None:
    """The comment as stored: trimmed, None when blank; InvalidInput when longer than allowed."""
    text = " ".join((comment or "").split())
    if len(text) > COMMENT_MAX:
        raise InvalidInput(f"Please keep the comment under {COMMENT_MAX} characters.")
    return text or None


@dataclass
class Closed:
    round: Round
    unconfirmed: int
    paused: list[int]


def close_round(*, session: Session, settings: Settings, round_: Round, now: datetime) -> Closed:
    """Close the round: missing answers become unconfirmed; serial non-answerers are paused."""
    if round_.closed_at is not None:
        raise Conflict(f"Round {round_.number} is already closed.")
    result = session.exec(
        update(RoundMember)
        .where(RoundMember.round_id == round_.id, RoundMember.outcome.is_(None))
        .values(outcome=Outcome.unconfirmed)
    )
    round_.closed_at = now
    session.add(round_)
    session.flush()
    paused = _pause_people_who_never_answer(session, settings, round_, now=now)
    audit.record(
        session=session,
        action=audit.Action.close,
        target=f"round {round_.number}",
        detail=f"{result.rowcount or 0} answers unconfirmed",
        now=now,
    )
    return Closed(round=round_, unconfirmed=result.rowcount or 0, paused=paused)


def _silent_rounds(session: Session, participant_ids: set[int], limit: int) -> dict[int, int]:
    """How many of each person's latest closed rounds in a row went unanswered by the group.

    A round counts against someone only if they did not answer and nobody in their group
    said they met: a person who met but forgot to click is not "never answering".
    """
    # A person's latest rounds lie among the latest few: looking no further back keeps
    # closing a large round from reading the whole history.
    recent = select(Round.id).where(Round.closed_at.is_not(None))
    recent = recent.order_by(Round.number.desc()).limit(limit * 4)
    columns = (
        RoundMember.participant_id,
        RoundMember.round_id,
        RoundMember.group_no,
        RoundMember.outcome,
        Round.number,
    )
    rows = session.exec(
        select(*columns)
        .join(Round, Round.id == RoundMember.round_id)
        .where(RoundMember.round_id.in_(recent.scalar_subquery()))
    ).all()
    met_groups = {(r, g) for _, r, g, outcome, _ in rows if outcome == Outcome.met}
    # Per person and round: silent only if every group they were in that round was (someone
    # given a second chance is in two; asking is an answer, so it never counts against them).
    by_round: dict[int, dict[int, bool]] = defaultdict(dict)
    for pid, round_id, group_no, outcome, number in rows:
        if pid in participant_ids:
            silent = outcome == Outcome.unconfirmed and (round_id, group_no) not in met_groups
            by_round[pid][number] = by_round[pid].get(number, True) and silent
    history = {pid: list(rounds.items()) for pid, rounds in by_round.items()}
    streaks = {}
    for pid, entries in history.items():
        entries.sort(reverse=True)
        streak = 0
        for _, silent in entries[:limit]:
            if not silent:
                break
            streak += 1
        streaks[pid] = streak
    return streaks


def _pause_people_who_never_answer(
    session: Session, settings: Settings, round_: Round, *, now: datetime
) -> list[int]:
    limit = settings.pause_after_unconfirmed_rounds
    candidates = set(
        session.exec(
            select(RoundMember.participant_id).where(
                RoundMember.round_id == round_.id, RoundMember.outcome == Outcome.unconfirmed
            )
        ).all()
    )
    streaks = _silent_rounds(session, candidates, limit)
    to_pause = sorted(pid for pid, streak in streaks.items() if streak >= limit)
    for pid in to_pause:
        person = session.get(Participant, pid)
        if person is None or person.status != ParticipantStatus.active:
            continue
        person.status = ParticipantStatus.paused
        person.paused_until = None  # until they resume themselves
        person.updated_at = now
        session.add(person)
        enqueue(
            session=session,
            idempotency_key=f"auto_paused:{round_.id}:{pid}",
            to_address=person.email,
            email=compose(
                "auto_paused",
                name=person.name,
                rounds=limit,
                manage_url=absolute(settings.base_url, MANAGE_PATH),
            ),
            participant_id=pid,
            now=now,
        )
    session.flush()
    return to_pause


def rounds_due_to_close(*, session: Session, today: date) -> list[Round]:
    """Open rounds whose closing date has come."""
    return list(
        session.exec(select(Round).where(Round.closed_at.is_(None), Round.closes_on <= today)).all()
    )
