"""Forming a round: everyone active and due, grouped by the matching engine, in one transaction.

Who is due follows each person's rhythm (`rhythm.py`): every round, every second or every third.

The round, its members, its sit-outs and every introduction email commit together or not at
all, and the unique period makes a second round for the same period impossible: two
schedulers, a retry or a crash half way leave exactly one complete round or none.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, or_, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from unmentor.blocking import service as blocking
from unmentor.db import Database
from unmentor.errors import Conflict
from unmentor.matching import Candidate, match_round
from unmentor.organisers import audit
from unmentor.people import organisations
from unmentor.people.membership import resume_due_pauses
from unmentor.people.models import NO_ORGANISATION, Organisation, Participant, ParticipantStatus
from unmentor.rounds import rhythm
from unmentor.rounds.calendar import Period, period_of
from unmentor.rounds.emails import Person, group_email_rows, sit_out_rows, write_outbox_rows
from unmentor.rounds.history import past_meetings, sit_out_counts
from unmentor.rounds.models import Round, RoundMember, RoundSitOut
from unmentor.settings import Settings
from unmentor.sqltypes import MAX_INT

MIN_PEOPLE = 2
# Any constant will do: it names "forming a round" among PostgreSQL advisory locks.
FORMATION_LOCK = 0x756E6D01


@dataclass
class Plan:
    """What a round would be: groups of participant ids, and who sits out and why."""

    period: Period
    seed: int
    groups: list[list[int]]
    sat_out: dict[int, str]
    people: dict[int, Person] = field(repr=False)
    fresh_partners: dict[int, int] = field(default_factory=dict, repr=False)
    # (asker, other) pairs kept apart: organisers' preview counts them apart from "met".
    blocked: list[tuple[int, int]] = field(default_factory=list, repr=False)
    # The engine's own words, for organisers; `sat_out` is what each person may be told.
    reasons_for_organisers: dict[int, str] = field(default_factory=dict, repr=False)
    # Pairs in `groups` who met before (the repeat policy allowed it): the round they first met.
    first_met: dict[tuple[int, int], int] = field(default_factory=dict, repr=False)
    # Active people left out because their rhythm skips this round (not sitting out).
    resting: set[int] = field(default_factory=set, repr=False)


@dataclass
class Formed:
    round: Round
    created: bool
    groups: int = 0
    placed: int = 0
    sat_out: int = 0


def new_seed() -> int:
    return secrets.randbelow(MAX_INT + 1)


def _available_people(session: Session, today: date) -> dict[int, tuple[Person, int | None]]:
    """Everyone who can be placed today, with their organisation id (None: no organisation)."""
    rows = session.exec(
        select(
            Participant.id,
            Participant.name,
            Participant.email,
            Participant.organisation_id,
            Organisation.name,
            Participant.sector,
            Participant.free_times,
            Participant.time_zone,
            Participant.about_me,
        )
        .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
        .where(
            or_(
                Participant.status == ParticipantStatus.active,
                # A pause that has ended counts as active even before the nightly job runs.
                (Participant.status == ParticipantStatus.paused)
                & (Participant.paused_until <= today),
            )
        )
        .order_by(Participant.id)
    ).all()
    return {
        pid: (
            Person(
                id=pid,
                name=name,
                email=email,
                organisation=org_name or NO_ORGANISATION,
                sector=sector,
                free_times=free_times,
                time_zone=time_zone,
                about_me=about_me,
            ),
            org_id,
        )
        for pid, name, email, org_id, org_name, sector, free_times, time_zone, about_me in rows
    }


def plan_round(*, session: Session, settings: Settings, today: date, seed: int) -> Plan:
    """The grouping the next round would get with this seed; writes nothing."""
    available = _available_people(session, today)
    resting = rhythm.resting(session=session, next_number=rhythm.next_round_number(session=session))
    resting &= available.keys()
    for pid in resting:
        del available[pid]
    priority = sit_out_counts(session=session)
    # The label the engine keeps apart: the organisation, or with `separate_by = "parent"` the
    # top of its parents. People without an organisation keep None: they may meet anyone.
    keys = organisations.separation_keys(session=session, separate_by=settings.separate_by)
    candidates = [
        Candidate(
            id=pid,
            org=None if org_id is None else str(keys.get(org_id, org_id)),
            priority=priority.get(pid, 0),
        )
        for pid, (_, org_id) in available.items()
    ]
    blocked = blocking.pairs_for_matching(session=session)
    askers = {asker for asker, _ in blocked}
    past = past_meetings(session=session, settings=settings)
    result = match_round(
        candidates,
        past.never_again,
        blocked=blocked,
        seed=seed,
        triads=True,
        group_size=settings.group_size,
        repeatable=past.repeatable,
    )
    return Plan(
        period=period_of(today, settings),
        seed=seed,
        groups=[list(group) for group in result.groups],
        sat_out={
            pid: blocking.reason_for_participant(result.reasons[pid], asked=pid in askers)
            for pid in result.unmatched
        },
        people={pid: person for pid, (person, _) in available.items()},
        fresh_partners=result.fresh_partners,
        blocked=blocked,
        reasons_for_organisers={pid: str(result.reasons[pid]) for pid in result.unmatched},
        first_met=past.first_met(result.groups),
        resting=resting,
    )


def _lock(session: Session) -> None:
    # SQLite's writer transaction (BEGIN IMMEDIATE) already serialises formation.
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=FORMATION_LOCK))


def round_for_period(*, session: Session, period_key: str) -> Round | None:
    return session.exec(select(Round).where(Round.period == period_key)).first()


def _round_dates(period: Period, today: date, settings: Settings) -> tuple[date, date, date]:
    """Start, reminder and closing dates; a late round keeps its full time where it fits."""
    starts = max(period.forms_on, today)
    last_day = period.next_starts_on - timedelta(days=1)
    closes = min(starts + timedelta(days=settings.round_close_after_days), last_day)
    reminder = min(starts + timedelta(days=settings.round_reminder_after_days), closes)
    return starts, reminder, closes


def form_round(
    *,
    database: Database,
    settings: Settings,
    today: date,
    now: datetime,
    seed: int | None = None,
) -> Formed:
    """Form the round of today's period, or return the one already formed."""
    try:
        with database.session() as session:
            _lock(session)
            period = period_of(today, settings)
            existing = round_for_period(session=session, period_key=period.key)
            if existing is not None:
                return Formed(round=existing, created=False)
            resume_due_pauses(session=session, today=today)
            used_seed = seed if seed is not None else new_seed()
            plan = plan_round(session=session, settings=settings, today=today, seed=used_seed)
            if len(plan.people) < MIN_PEOPLE:
                # An empty round would use up the period: people who join this month would
                # wait for the next one. Forming again later in the period still works.
                raise Conflict(
                    f"Not enough people to form a round: {len(plan.people)} active and due "
                    f"(at least {MIN_PEOPLE} are needed)."
                )
            formed = _write_round(session, plan, settings=settings, today=today, now=now)
            audit.record(
                session=session,
                action=audit.Action.form,
                target=f"round {formed.round.number}",
                detail=f"period {period.key}, seed {used_seed}",
                now=now,
            )
    except IntegrityError:
        # Only reachable if another process formed this period's round at the same moment
        # without the lock (an older version, say): theirs stands, ours rolled back whole.
        with database.read_session() as session:
            existing = round_for_period(session=session, period_key=period.key)
        if existing is None:
            raise
        return Formed(round=existing, created=False)
    return formed


def _write_round(
    session: Session, plan: Plan, *, settings: Settings, today: date, now: datetime
) -> Formed:
    starts, reminder, closes = _round_dates(plan.period, today, settings)
    number = (session.exec(select(func.max(Round.number))).one() or 0) + 1
    round_ = Round(
        number=number,
        period=plan.period.key,
        starts_on=starts,
        reminder_on=reminder,
        closes_on=closes,
        seed=plan.seed,
        formed_at=now,
    )
    session.add(round_)
    session.flush()
    members = [
        {"round_id": round_.id, "group_no": group_no, "participant_id": pid}
        for group_no, group in enumerate(plan.groups, start=1)
        for pid in group
    ]
    if members:
        session.exec(insert(RoundMember), params=members)
    if plan.sat_out:
        session.exec(
            insert(RoundSitOut),
            params=[
                {"round_id": round_.id, "participant_id": pid, "reason": reason[:300]}
                for pid, reason in plan.sat_out.items()
            ],
        )
    emails = group_email_rows(
        template="introduction",
        key_prefix="intro",
        round_id=round_.id,
        period_key=plan.period.key,
        closes_on=closes,
        groups=[[plan.people[pid] for pid in group] for group in plan.groups],
        settings=settings,
        now=now,
        first_met=plan.first_met,
    )
    emails += sit_out_rows(
        round_id=round_.id,
        period_key=plan.period.key,
        people=[(plan.people[pid], reason) for pid, reason in plan.sat_out.items()],
        settings=settings,
        now=now,
    )
    write_outbox_rows(session, emails)
    return Formed(
        round=round_,
        created=True,
        groups=len(plan.groups),
        placed=len(members),
        sat_out=len(plan.sat_out),
    )
