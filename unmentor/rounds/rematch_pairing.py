"""Pairing those who asked for someone else, and ending the wait of those left at the deadline.

See `rematch.py` for who may ask and what asking records. Askers are paired by the matching
engine under a round's rules (different organisations, never in one group before, no blocked
pair); the earliest asker comes first should not everyone fit.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, text, update
from sqlmodel import Session, col, select

from unmentor.blocking import service as blocking
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
from unmentor.rounds.models import FIRST_CHANCE, SECOND_CHANCE, Round, RoundMember, SecondChance
from unmentor.rounds.rematch_rules import rematch_deadline, rematch_open
from unmentor.settings import Settings

# Names "second chances of one round" among PostgreSQL advisory locks (with the round id).
REMATCH_LOCK = 0x756E6D02


def lock_round(session: Session, round_id: int) -> None:
    """Serialise asks and pairing within one round (SQLite: the writer lock does)."""
    # SQLite's writer transaction (BEGIN IMMEDIATE) already serialises asks.
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(
            text("SELECT pg_advisory_xact_lock(:key, :round)").bindparams(
                key=REMATCH_LOCK, round=round_id
            )
        )


def pair_waiting(*, session: Session, settings: Settings, round_: Round, now: datetime) -> int:
    """Group everyone waiting in this round who can be grouped; introduce them. Returns groups."""
    waiting = session.exec(
        select(RoundMember.participant_id, Participant.organisation_id)
        .join(Participant, col(Participant.id) == RoundMember.participant_id)
        .where(
            RoundMember.round_id == round_.id,
            RoundMember.chance == FIRST_CHANCE,
            RoundMember.second_chance == SecondChance.waiting,
            Participant.status == ParticipantStatus.active,
        )
        .order_by(col(RoundMember.second_chance_asked_at), col(RoundMember.participant_id))
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
            col(RoundMember.round_id) == round_.id,
            col(RoundMember.chance) == FIRST_CHANCE,
            col(RoundMember.participant_id).in_(placed),
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
        .join(RoundMember, col(RoundMember.round_id) == Round.id)
        .where(RoundMember.second_chance == SecondChance.waiting)
        .distinct()
        .order_by(col(Round.number))
    ).all()
    for round_ in rounds:
        lock_round(session, round_.id)
        if round_.closed_at is None:
            settled.groups += pair_waiting(
                session=session, settings=settings, round_=round_, now=now
            )
        if rematch_open(round_, settings=settings, today=today):
            continue
        still = session.exec(
            select(RoundMember, Participant)
            .join(Participant, col(Participant.id) == RoundMember.participant_id)
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
