"""Answers to "did you meet?", closing a round, and pausing people who never answer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from unmentor.errors import Conflict, LinkInvalid
from unmentor.links.urls import MANAGE_PATH, absolute
from unmentor.mail.compose import compose
from unmentor.mail.outbox import enqueue
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds.models import NotMetReason, Outcome, Round, RoundMember
from unmentor.rounds.tokens import read_outcome_token
from unmentor.settings import Settings


@dataclass(frozen=True)
class Answer:
    round: Round
    member: RoundMember
    partner_names: list[str]


def member_for_token(*, session: Session, settings: Settings, token: str) -> Answer:
    """The round and member an answer link belongs to; LinkInvalid if none."""
    round_id, participant_id = read_outcome_token(settings.secret_key.get_secret_value(), token)
    member = session.exec(
        select(RoundMember).where(
            RoundMember.round_id == round_id, RoundMember.participant_id == participant_id
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


def record_answer(
    *,
    session: Session,
    settings: Settings,
    token: str,
    outcome: Outcome,
    reason: NotMetReason | None,
    now: datetime,
) -> Answer:
    """Store a member's answer; they may change it until the round closes."""
    if outcome == Outcome.unconfirmed:
        raise Conflict("Answer 'met' or 'not_met'.")
    answer = member_for_token(session=session, settings=settings, token=token)
    values = {
        "outcome": outcome,
        "reason": reason if outcome == Outcome.not_met else None,
        "answered_at": now,
    }
    # One statement writes the whole answer, and only while the round is open: two answers
    # racing each other leave one of them whole (never "met" with the other's not-met reason),
    # and an answer racing the round's closing cannot land after it.
    still_open = select(Round.id).where(Round.id == answer.round.id, Round.closed_at.is_(None))
    written = session.exec(
        update(RoundMember)
        .where(RoundMember.id == answer.member.id, RoundMember.round_id.in_(still_open))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:
        raise Conflict("This round is closed, so answers can no longer be recorded.")
    for name, value in values.items():
        # Shown to the caller as stored, without queueing a second UPDATE at the flush.
        set_committed_value(answer.member, name, value)
    return answer


def group_outcome(answers: list[Outcome | None], *, closed: bool) -> str:
    """A group met if anyone says so; 'pending' while open and nobody has answered."""
    if Outcome.met in answers:
        return "met"
    if Outcome.not_met in answers:
        return "not_met"
    return "unconfirmed" if closed else "pending"


def is_conflict(answers: list[Outcome | None]) -> bool:
    """Members of one group gave opposite answers: organisers should look."""
    return Outcome.met in answers and Outcome.not_met in answers


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
    history: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for pid, round_id, group_no, outcome, number in rows:
        if pid in participant_ids:
            silent = outcome == Outcome.unconfirmed and (round_id, group_no) not in met_groups
            history[pid].append((number, silent))
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
