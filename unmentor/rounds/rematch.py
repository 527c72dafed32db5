"""A second chance inside the round: someone whose group did not meet asks for someone else.

Who may ask: a member of a round's first group who is active, in an open round, on or
before the rematch day (`rematch_rules.py`), when nobody in their group has said they met —
their partner has not replied, has left, has paused or said they could not meet.

Askers are paired among themselves by the matching engine, under the same rules as a round
(different organisations, never in one group before — in any round, this one included —
and no blocked pair), as they arrive: asking runs the engine over everyone waiting, so two
compatible askers are introduced at once rather than a day later; the daily job
(`close_requests`) pairs once more (two asks racing each other each see the other as not
yet waiting) and, after the rematch day, tells whoever is still waiting kindly that nobody
could be found. Pairs only: a group of three needs three compatible askers at one moment.

The first group stays on record (its red line matters to organisers); the asker joins one
more group of the same round with `chance = 2`, whose links carry the chance.

Not penalised twice: asking records "we didn't meet: partner didn't reply" for the asker
only (unless they had already answered). The silent partner's unanswered round counts once
toward the auto-pause of people who never answer, exactly as if nobody had asked; they are
not blocked, flagged or told. For the asker, a round counts as silent only when every group
they were in that round went unanswered (outcomes.py), so asking never counts against them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, insert, text, update
from sqlmodel import Session, select

from unmentor.blocking import service as blocking
from unmentor.errors import Conflict, LinkInvalid
from unmentor.links.urls import MANAGE_PATH, absolute
from unmentor.mail.compose import compose
from unmentor.mail.outbox import enqueue
from unmentor.matching import Candidate, match_round
from unmentor.people import organisations
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds.emails import (
    footer,
    group_email_rows,
    period_name,
    unsubscribe_headers,
    write_outbox_rows,
)
from unmentor.rounds.history import pair_rounds
from unmentor.rounds.members import groups_with_people
from unmentor.rounds.models import (
    FIRST_CHANCE,
    SECOND_CHANCE,
    NotMetReason,
    Outcome,
    Round,
    RoundMember,
    SecondChance,
)
from unmentor.rounds.rematch_rules import rematch_deadline, rematch_open
from unmentor.rounds.tokens import read_rematch_token
from unmentor.settings import Settings

# Names "second chances of one round" among PostgreSQL advisory locks (with the round id).
REMATCH_LOCK = 0x756E6D02


class State:
    """What the ask page says (and whether it offers the button)."""

    can_ask = "can_ask"
    waiting = SecondChance.waiting.value
    found = SecondChance.found.value
    not_found = SecondChance.not_found.value
    met = "met"  # someone in the group said they met: nothing to replace
    inactive = "inactive"  # the asker is paused or has left
    too_late = "too_late"
    closed = "closed"


@dataclass(frozen=True)
class Offer:
    round: Round
    participant_id: int
    name: str
    partners: list[str]
    state: str
    deadline: date
    new_partners: list[str] = field(default_factory=list)


def _first_row(session: Session, round_id: int, participant_id: int) -> RoundMember | None:
    return session.exec(
        select(RoundMember).where(
            RoundMember.round_id == round_id,
            RoundMember.participant_id == participant_id,
            RoundMember.chance == FIRST_CHANCE,
        )
    ).first()


def _names(session: Session, round_id: int, group_no: int, but: int) -> list[str]:
    return list(
        session.exec(
            select(Participant.name)
            .join(RoundMember, RoundMember.participant_id == Participant.id)
            .where(
                RoundMember.round_id == round_id,
                RoundMember.group_no == group_no,
                RoundMember.participant_id != but,
            )
            .order_by(Participant.name)
        ).all()
    )


def offer(
    *, session: Session, settings: Settings, round_: Round, participant_id: int, today: date
) -> Offer:
    """Whether this member of the round may ask for someone else, or how their request stands."""
    member = _first_row(session, round_.id, participant_id)
    person = session.get(Participant, participant_id)
    if member is None or person is None:
        raise LinkInvalid("This link no longer belongs to anyone taking part.")
    answers = session.exec(
        select(RoundMember.outcome).where(
            RoundMember.round_id == round_.id, RoundMember.group_no == member.group_no
        )
    ).all()
    new_partners = []
    if member.second_chance is not None:
        state = member.second_chance.value
        second = session.exec(
            select(RoundMember.group_no).where(
                RoundMember.round_id == round_.id,
                RoundMember.participant_id == participant_id,
                RoundMember.chance == SECOND_CHANCE,
            )
        ).first()
        if second is not None:
            new_partners = _names(session, round_.id, second, participant_id)
    elif round_.closed_at is not None:
        state = State.closed
    elif Outcome.met in answers:
        state = State.met
    elif not rematch_open(round_, settings=settings, today=today):
        state = State.too_late
    elif person.status != ParticipantStatus.active:
        state = State.inactive
    else:
        state = State.can_ask
    return Offer(
        round=round_,
        participant_id=participant_id,
        name=person.name,
        partners=_names(session, round_.id, member.group_no, participant_id),
        state=state,
        deadline=rematch_deadline(round_, settings=settings),
        new_partners=new_partners,
    )


def offer_for_token(*, session: Session, settings: Settings, token: str, today: date) -> Offer:
    """The offer an emailed "ask for someone else" link leads to; LinkInvalid if none."""
    round_id, participant_id, _ = read_rematch_token(settings.secret_key.get_secret_value(), token)
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise LinkInvalid("This link no longer belongs to anyone taking part.")
    return offer(
        session=session,
        settings=settings,
        round_=round_,
        participant_id=participant_id,
        today=today,
    )


def open_offers(
    *, session: Session, settings: Settings, participant_id: int, today: date
) -> list[Offer]:
    """The person's open rounds where they may ask, or have asked: for their own page."""
    rounds = session.exec(
        select(Round)
        .join(RoundMember, RoundMember.round_id == Round.id)
        .where(
            Round.closed_at.is_(None),
            RoundMember.participant_id == participant_id,
            RoundMember.chance == FIRST_CHANCE,
        )
        .order_by(Round.number)
    ).all()
    offers = [
        offer(
            session=session, settings=settings, round_=r, participant_id=participant_id, today=today
        )
        for r in rounds
    ]
    shown = {State.can_ask, State.waiting, State.found, State.not_found}
    return [o for o in offers if o.state in shown]


def _lock(session: Session, round_id: int) -> None:
    # SQLite's writer transaction (BEGIN IMMEDIATE) already serialises asks.
    if session.get_bind().dialect.name == "postgresql":
        session.exec(
            text("SELECT pg_advisory_xact_lock(:key, :round)").bindparams(
                key=REMATCH_LOCK, round=round_id
            )
        )


def ask(*, session: Session, settings: Settings, token: str, today: date, now: datetime) -> Offer:
    """Record a request for someone else and introduce the asker at once if someone fits.

    Asking twice changes nothing (a double click); asking when not allowed is a Conflict.
    """
    round_id, participant_id, _ = read_rematch_token(settings.secret_key.get_secret_value(), token)
    _lock(session, round_id)
    current = offer_for_token(session=session, settings=settings, token=token, today=today)
    if current.state in (State.waiting, State.found, State.not_found):
        return current
    if current.state != State.can_ask:
        raise Conflict(_why_not[current.state])
    member = _first_row(session, round_id, participant_id)
    member.second_chance = SecondChance.waiting
    member.second_chance_asked_at = now
    if member.outcome is None:
        member.outcome = Outcome.not_met
        member.reason = NotMetReason.no_reply
        member.answered_at = now
    session.add(member)
    session.flush()
    pair_waiting(session=session, settings=settings, round_=current.round, now=now)
    return offer_for_token(session=session, settings=settings, token=token, today=today)


_why_not = {
    State.met: "Someone in your group has said you met, so there is nobody to replace.",
    State.too_late: "It is too late in this round to ask for someone else.",
    State.closed: "This round is closed.",
    State.inactive: "Your participation is paused: resume it on your page to ask.",
}


def pair_waiting(*, session: Session, settings: Settings, round_: Round, now: datetime) -> int:
    """Group everyone waiting in this round who can be grouped; introduce them. Returns groups."""
    waiting = session.exec(
        select(RoundMember.participant_id, Participant.organisation_id)
        .join(Participant, Participant.id == RoundMember.participant_id)
        .where(
            RoundMember.round_id == round_.id,
            RoundMember.chance == FIRST_CHANCE,
            RoundMember.second_chance == SecondChance.waiting,
            Participant.status == ParticipantStatus.active,
        )
        .order_by(RoundMember.second_chance_asked_at, RoundMember.participant_id)
    ).all()
    if len(waiting) < 2:
        return 0
    keys = organisations.separation_keys(session=session, separate_by=settings.separate_by)
    ids = {pid for pid, _ in waiting}
    # Never met in any round, this one included (the silent partner among them), whatever
    # the repeat policy allows for whole rounds: a second chance is someone new.
    history = list(pair_rounds(session=session, people=ids))
    blocked = [
        (a, b) for a, b in blocking.pairs_for_matching(session=session) if a in ids and b in ids
    ]
    groups = choose_groups(
        [
            (pid, None if org_id is None else str(keys.get(org_id, org_id)))
            for pid, org_id in waiting
        ],
        history=history,
        blocked=blocked,
        seed=secrets.randbelow(2**31),
    )
    if groups:
        _write_groups(session, settings, round_, groups, now=now)
    return len(groups)


def choose_groups(
    waiting: list[tuple[int, str | None]],
    *,
    history: Iterable[tuple[int, int]],
    blocked: Iterable[tuple[int, int]],
    seed: int,
) -> list[list[int]]:
    """Pairs among `waiting` (id, organisation key; earliest asker first) by the engine's rules."""
    # The earliest asker first, should not everyone fit.
    candidates = [
        Candidate(id=pid, org=org, priority=len(waiting) - index)
        for index, (pid, org) in enumerate(waiting)
    ]
    result = match_round(candidates, history, blocked=blocked, seed=seed, triads=False)
    return [sorted(group) for group in result.groups]


def _write_groups(
    session: Session, settings: Settings, round_: Round, groups: list[list[int]], *, now: datetime
) -> None:
    last = session.exec(
        select(func.max(RoundMember.group_no)).where(RoundMember.round_id == round_.id)
    ).one()
    group_nos = list(range((last or 0) + 1, (last or 0) + 1 + len(groups)))
    session.exec(
        insert(RoundMember),
        params=[
            {
                "round_id": round_.id,
                "group_no": group_no,
                "participant_id": pid,
                "chance": SECOND_CHANCE,
                "joined_at": now,
            }
            for group_no, group in zip(group_nos, groups, strict=True)
            for pid in group
        ],
    )
    placed = [pid for group in groups for pid in group]
    session.exec(
        update(RoundMember)
        .where(
            RoundMember.round_id == round_.id,
            RoundMember.chance == FIRST_CHANCE,
            RoundMember.participant_id.in_(placed),
        )
        .values(second_chance=SecondChance.found)
    )
    people = groups_with_people(session=session, round_id=round_.id, group_nos=set(group_nos))
    rows = group_email_rows(
        template="introduction",
        key_prefix="rematch",
        round_id=round_.id,
        period_key=round_.period,
        closes_on=round_.closes_on,
        groups=[[person for _, person in people[g]] for g in group_nos],
        settings=settings,
        now=now,
        group_nos=group_nos,
        formed_at=now,
        chances=dict.fromkeys(group_nos, SECOND_CHANCE),
    )
    write_outbox_rows(session, rows)
    session.flush()


@dataclass
class Settled:
    groups: int = 0
    not_found: int = 0


def close_requests(*, session: Session, settings: Settings, today: date, now: datetime) -> Settled:
    """The daily job: pair whoever waits; after the rematch day, tell the rest kindly."""
    settled = Settled()
    rounds = session.exec(
        select(Round)
        .join(RoundMember, RoundMember.round_id == Round.id)
        .where(RoundMember.second_chance == SecondChance.waiting)
        .distinct()
        .order_by(Round.number)
    ).all()
    for round_ in rounds:
        _lock(session, round_.id)
        if round_.closed_at is None:
            settled.groups += pair_waiting(
                session=session, settings=settings, round_=round_, now=now
            )
        if rematch_open(round_, settings=settings, today=today):
            continue
        still = session.exec(
            select(RoundMember, Participant)
            .join(Participant, Participant.id == RoundMember.participant_id)
            .where(
                RoundMember.round_id == round_.id,
                RoundMember.chance == FIRST_CHANCE,
                RoundMember.second_chance == SecondChance.waiting,
            )
        ).all()
        for member, person in still:
            member.second_chance = SecondChance.not_found
            session.add(member)
            enqueue(
                session=session,
                idempotency_key=f"rematch_not_found:{round_.id}:{person.id}",
                to_address=person.email,
                email=compose(
                    "rematch_not_found",
                    headers=unsubscribe_headers(settings, person.id),
                    name=person.name,
                    period_name=period_name(round_.period),
                    deadline=rematch_deadline(round_, settings=settings).strftime("%-d %B %Y"),
                    manage_link=absolute(settings.base_url, MANAGE_PATH),
                    footer=footer(settings),
                ),
                participant_id=person.id,
                now=now,
            )
            settled.not_found += 1
    session.flush()
    return settled
