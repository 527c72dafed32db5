"""Writing checked records: participants and past rounds, new ones only, in bulk.

Participants are matched by normalised email, organisations by `organisation_key`, rounds by
period: what exists is left as it is, so importing a file twice changes nothing the second
time. Imported rounds are history, so they are written closed, with every member carrying
their group's outcome, and count for matching and the pictures like any formed round. A blank
Met cell is written as no outcome at all, which a closed round never holds otherwise: "not
recorded". It shows as unconfirmed, but pausing counts only rounds that closed "unconfirmed",
so nobody is paused for history that nobody wrote down.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import insert
from sqlmodel import Session, select

from unmentor.people import service as people_service
from unmentor.people.models import Organisation, Participant, ParticipantStatus
from unmentor.people.normalise import organisation_key
from unmentor.rounds.calendar import period_of
from unmentor.rounds.models import Round, RoundMember
from unmentor.rounds.welcome import Welcomer, write_welcomes
from unmentor.settings import Settings
from unmentor.transfer.validate import GroupRecord, ParticipantRecord
from unmentor.words import count, plural

CHUNK = 5_000
Progress = Callable[[int], None]


def _nothing(_: int) -> None:
    pass


def known_people(*, session: Session) -> dict[str, str]:
    """Every participant's email with their organisation key, for checking past groups."""
    rows = session.exec(
        select(Participant.email, Organisation.name_key).outerjoin(
            Organisation, Organisation.id == Participant.organisation_id
        )
    ).all()
    return dict(rows)


def known_rounds(*, session: Session) -> dict[int, str]:
    """Every round's number with its period."""
    return dict(session.exec(select(Round.number, Round.period)).all())


@dataclass
class ParticipantPlan:
    new: list[ParticipantRecord]
    existing: int
    new_organisations: dict[str, str]  # key -> name as first written

    def sentences(self, *, dry_run: bool) -> list[str]:
        """What the import writes (or would), as sentences for people."""
        verb = "Would import" if dry_run else "Imported"
        new = len(self.new)
        organisations = {organisation_key(r.organisation) for r in self.new if r.organisation}
        without = sum(1 for r in self.new if not r.organisation)
        if not new:
            said = ["Nothing new to import."]
        elif not organisations:
            said = [f"{verb} {count(new, 'person')} with no organisation."]
        else:
            sentence = (
                f"{verb} {count(new, 'person')} from {count(len(organisations), 'organisation')}"
            )
            fresh = len(self.new_organisations)
            if fresh:
                everyone = "new" if len(organisations) == 1 else "all new"
                some = f"{fresh} of them new"
                sentence += f" ({everyone if fresh == len(organisations) else some})"
            said = [sentence + "."]
            if without:
                said.append(f"{count(without, 'person')} {plural(without, 'has')} no organisation.")
        if self.existing:
            said.append(_left_alone(count(self.existing, "person"), self.existing, dry_run))
        return said


def _left_alone(what: str, number: int, dry_run: bool) -> str:
    """'2 people already there were left unchanged.' (or 'would be', in a dry run)."""
    tense = "would be" if dry_run else plural(number, "was")
    return f"{what} already there {tense} left unchanged."


def plan_participants(*, session: Session, records: list[ParticipantRecord]) -> ParticipantPlan:
    """Which participants and organisations would be new; reads only."""
    emails = set(session.exec(select(Participant.email)).all())
    organisations = set(session.exec(select(Organisation.name_key)).all())
    new = [r for r in records if r.email not in emails]
    new_organisations: dict[str, str] = {}
    for record in new:
        if record.organisation is None:
            continue
        key = organisation_key(record.organisation)
        if key not in organisations:
            new_organisations.setdefault(key, record.organisation)
    return ParticipantPlan(new, len(records) - len(new), new_organisations)


def write_participants(
    *,
    session: Session,
    plan: ParticipantPlan,
    now: datetime,
    progress: Progress = _nothing,
    default_rhythm: int = 1,
    welcomer: Welcomer | None = None,
) -> None:
    """Insert the plan's organisations and participants in bulk.

    With a `welcomer`, each new active person's welcome email goes in the outbox too, a chunk
    at a time (unmentor.rounds.welcome).
    """
    if plan.new_organisations:
        session.exec(
            insert(Organisation),
            params=[
                {"name": name, "name_key": key, "created_at": now}
                for key, name in plan.new_organisations.items()
            ],
        )
    # A name merged into another organisation imports into that one.
    org_ids = people_service.organisation_ids_by_key(session=session)
    for start in range(0, len(plan.new), CHUNK):
        chunk = plan.new[start : start + CHUNK]
        params = [
            {
                "name": r.name,
                "email": r.email,
                "organisation_id": org_ids[organisation_key(r.organisation)]
                if r.organisation
                else None,
                "sector": r.sector,
                "status": r.status,
                "rhythm": r.rhythm or default_rhythm,
                "about_me": r.about_me,
                "joined_on": r.joined_on,
                # The growth chart counts sign-ups by created_at: history keeps its dates.
                "created_at": datetime.combine(r.joined_on, time(), UTC) if r.joined_on else now,
                "updated_at": now,
            }
            for r in chunk
        ]
        if welcomer is None:
            session.exec(insert(Participant), params=params)
        else:
            _write_welcomed(session, params, welcomer)
        progress(len(chunk))


def _write_welcomed(session: Session, params: list[dict], welcomer: Welcomer) -> None:
    session.exec(insert(Participant), params=params)
    # The new ids by email, read back: INSERT ... RETURNING over many rows went quadratic in
    # SQLAlchemy's batching (splicing each batch's rows onto all before: 15 s for 10,000).
    active = {
        row["email"]: row["name"] for row in params if row["status"] == ParticipantStatus.active
    }
    if not active:
        return
    written = session.exec(
        select(Participant.id, Participant.email).where(Participant.email.in_(list(active)))
    ).all()
    write_welcomes(
        session=session,
        rows=[
            welcomer.row(participant_id, active[email], email) for participant_id, email in written
        ],
    )


@dataclass
class RoundPlan:
    new_rounds: dict[str, int]  # period -> number
    groups: dict[str, list[GroupRecord]] = field(default_factory=dict)
    existing_groups: int = 0

    def sentences(self, *, dry_run: bool) -> list[str]:
        """What the import writes (or would), as sentences for people."""
        verb = "Would import" if dry_run else "Imported"
        groups = sum(len(g) for g in self.groups.values())
        people = sum(len(r.emails) for g in self.groups.values() for r in g)
        rounds = len(self.new_rounds)
        if rounds:
            said = [
                f"{verb} {count(rounds, 'past round')}, written closed, with "
                f"{count(groups, 'group')} and {count(people, 'member')} in all."
            ]
        else:
            said = ["Nothing new to import."]
        if self.existing_groups:
            said.append(
                _left_alone(
                    f"{count(self.existing_groups, 'group')} in rounds",
                    self.existing_groups,
                    dry_run,
                )
            )
        return said


def plan_rounds(*, session: Session, records: list[GroupRecord]) -> RoundPlan:
    """New rounds (numbered as the file says, or next in date order) and their groups."""
    existing = {period: number for number, period in known_rounds(session=session).items()}
    by_period: dict[str, list[GroupRecord]] = defaultdict(list)
    for record in records:
        by_period[record.period].append(record)
    plan = RoundPlan(new_rounds={})
    taken = set(existing.values())
    numbers = {p: next((r.number for r in g if r.number), None) for p, g in by_period.items()}
    taken |= {n for p, n in numbers.items() if n and p not in existing}
    next_number = max(taken, default=0) + 1
    for period in sorted(by_period):
        if period in existing:
            plan.existing_groups += len(by_period[period])
            continue
        number = numbers[period]
        if number is None:
            number, next_number = next_number, next_number + 1
        plan.new_rounds[period] = number
        plan.groups[period] = by_period[period]
    return plan


def write_rounds(
    *,
    session: Session,
    plan: RoundPlan,
    settings: Settings,
    progress: Progress = _nothing,
) -> None:
    """Insert the plan's rounds, closed, with a member row per person carrying the outcome."""
    ids = dict(session.exec(select(Participant.email, Participant.id)).all())
    for period, number in plan.new_rounds.items():
        dates = period_of(date.fromisoformat(f"{period}-01"), settings)
        round_ = Round(
            number=number,
            period=period,
            starts_on=dates.forms_on,
            reminder_on=dates.reminder_on,
            closes_on=dates.closes_on,
            seed=0,  # not formed by our engine: there is no seed to replay
            formed_at=datetime.combine(dates.forms_on, time(), UTC),
            closed_at=datetime.combine(dates.closes_on, time(), UTC),
        )
        session.add(round_)
        session.flush()
        records = plan.groups[period]
        members = [
            {
                "round_id": round_.id,
                "group_no": group_no,
                "participant_id": ids[email],
                "outcome": record.outcome,
            }
            for group_no, record in enumerate(records, start=1)
            for email in record.emails
        ]
        for start in range(0, len(members), CHUNK):
            session.exec(insert(RoundMember), params=members[start : start + CHUNK])
        progress(len(records))
