"""A realistic demo community with several rounds of history, so a newcomer sees a living service.

People join over the months, organisations differ in size, and each past round ends with a
plausible mix of met, not met and unconfirmed. The current round is left open, part answered
(closed, as the scheduler would have, once past its closing day). Every email the demo would
have sent is removed from the outbox, and none is left for the scheduler to send late: the
addresses are made up.
With `features` (the default), people choose rhythms and free times, groups pick suggested
times, and that changes how often they meet (unmentor.demo_behaviour), and a few share
stories (unmentor.demo_stories); without, the same
community (same seed) behaves as before those features, for a comparison.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import select

from unmentor import demo_behaviour as behaviour
from unmentor import demo_stories
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.errors import Conflict
from unmentor.mail.models import OutboxMessage
from unmentor.people.models import Organisation, Participant, ParticipantStatus
from unmentor.people.normalise import organisation_key
from unmentor.rounds import outcomes, reminders
from unmentor.rounds.calendar import period_of
from unmentor.rounds.forming import form_round
from unmentor.rounds.members import groups_with_people
from unmentor.rounds.models import NotMetReason, Outcome, Round, RoundMember
from unmentor.settings import Settings
from unmentor.sqltypes import MAX_INT

SECTORS = {
    "Local government": [
        "Devon County Council",
        "Plymouth City Council",
        "Bristol City Council",
        "Leeds City Council",
        "Camden Council",
        "Hackney Council",
        "Cornwall Council",
        "Kent County Council",
        "Manchester City Council",
    ],
    "Health": [
        "NHS Devon",
        "Royal Free London NHS Trust",
        "NHS England",
        "Leeds Teaching Hospitals",
        "Public Health Wales",
        "Sussex Partnership NHS Trust",
    ],
    "Central government": [
        "Government Digital Service",
        "Department for Education",
        "Ministry of Justice",
        "HM Revenue & Customs",
        "Cabinet Office",
        "Department for Work and Pensions",
        "Home Office",
    ],
    "Charity": ["Citizens Advice", "Shelter", "Age UK", "Mind", "The Trussell Trust"],
    "Housing": ["Clarion Housing", "Peabody", "Places for People"],
    "Emergency services": [
        "Devon & Cornwall Police",
        "London Fire Brigade",
        "West Midlands Police",
    ],
    "Education": ["University of Exeter", "Open University", "Leeds Beckett University"],
}
FIRST = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Farah",
    "George",
    "Hana",
    "Ibrahim",
    "Jess",
    "Kwame",
    "Laura",
    "Mo",
    "Niamh",
    "Owen",
    "Priya",
    "Rhys",
    "Sofia",
    "Tom",
    "Uma",
    "Vikram",
    "Wendy",
    "Xavier",
    "Yasmin",
    "Zoe",
    "Aled",
    "Bea",
    "Callum",
    "Dina",
    "Euan",
]
LAST = [
    "Adams",
    "Begum",
    "Clarke",
    "Davies",
    "Evans",
    "Fraser",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Murphy",
    "Nowak",
    "Okafor",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walsh",
    "Young",
    "Zhang",
]
REASONS = [NotMetReason.no_reply, NotMetReason.no_time, NotMetReason.cancelled, NotMetReason.other]


@dataclass
class DemoReport:
    people: int
    organisations: int
    rounds: int


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def build_demo(
    *,
    database: Database,
    settings: Settings,
    people: int = 320,
    rounds: int = 8,
    seed: int = 2026,
    today: date | None = None,
    progress: Callable[[str], None] = lambda _: None,
    features: bool = True,
) -> DemoReport:
    """Fill an empty database with a community and `rounds` rounds up to today's period.

    The same seed gives the same people and the same round seeds with or without `features`:
    the features draw from a random stream of their own.
    """
    rng = random.Random(seed)
    choices = random.Random(f"{seed}:features") if features else None
    storytelling = random.Random(f"{seed}:stories") if features else None
    today = today or utcnow().date()
    with database.read_session() as session:
        if session.exec(select(func.count()).select_from(Participant)).one():
            raise Conflict("The demo needs an empty database; this one has participants.")
    first_period = period_of(
        _months_back(today, (rounds - 1) * settings.round_every_months), settings
    )
    joined = _create_people(database, rng, people, first_period.starts_on, today)
    if choices is not None:
        _choose_rhythms_and_times(database, choices, sorted(joined))
    progress(f"{people} people joining over {rounds} rounds")
    day = first_period.forms_on
    for number in range(1, rounds + 1):
        period = period_of(day, settings)
        formed_on = min(period.forms_on, today)
        _activate_joined_by(database, joined, formed_on)
        now = datetime.combine(formed_on, time(9), tzinfo=utcnow().tzinfo)
        formed = form_round(
            database=database,
            settings=settings,
            today=formed_on,
            now=now,
            seed=rng.randrange(MAX_INT + 1),
        )
        current = number == rounds
        found = (
            None
            if choices is None
            else _find_times(database, choices, formed.round.id, settings=settings, now=now)
        )
        _answer(
            database,
            rng,
            formed.round.id,
            answered_share=0.45 if current else 1.0,
            now=now,
            circumstances=found,
        )
        if storytelling is not None:
            demo_stories.share_stories(
                database, storytelling, formed.round.id, now=now, closed=not current
            )
        if not current:
            with database.session() as session:
                outcomes.close_round(
                    session=session,
                    settings=settings,
                    round_=session.get(Round, formed.round.id),
                    now=now + timedelta(days=settings.round_close_after_days),
                )
        progress(f"round {formed.round.number} ({period.key}): {formed.placed} people placed")
        day = period.next_starts_on + timedelta(days=settings.round_form_day - 1)
    with database.session() as session:
        _catch_up(session, settings, today)
        # Made-up addresses: nothing the demo queued may ever be sent.
        session.exec(delete(OutboxMessage))
        organisations = session.exec(
            select(func.count(func.distinct(Participant.organisation_id)))
        ).one()
    return DemoReport(people=people, organisations=organisations, rounds=rounds)


def _catch_up(session, settings: Settings, today: date) -> None:
    """Do what the scheduler would have done by today, so that its first run sends nothing.

    Rounds past their closing day are closed on that day, and reminders whose day has passed
    count as sent: otherwise the first start would queue them all at once, weeks late (the
    log of a console mailer buried a newcomer's own confirmation link under them).
    """
    for round_ in outcomes.rounds_due_to_close(session=session, today=today):
        closing = datetime.combine(round_.closes_on, time(9), tzinfo=utcnow().tzinfo)
        outcomes.close_round(session=session, settings=settings, round_=round_, now=closing)
    reminders.record_past_reminders(session=session, today=today)


def _create_people(database, rng, count, first_day: date, today: date) -> dict[int, date]:
    """Participants (pending until their join date) and the day each joins."""
    organisations = [(sector, name) for sector, names in SECTORS.items() for name in names]
    # Skewed sizes, as in real communities: a few large organisations, many small ones.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(organisations))]
    rng.shuffle(weights)
    span = max((today - first_day).days, 1)
    joined: dict[int, date] = {}
    now = utcnow()
    with database.session() as session:
        orgs = {}
        for sector, name in organisations:
            org = Organisation(name=name, name_key=organisation_key(name), created_at=now)
            session.add(org)
            orgs[name] = (org, sector)
        session.flush()
        for i in range(count):
            sector, org_name = rng.choices(organisations, weights)[0]
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first}.{last}.{i}@example.org".lower()
            # Growth: half the community is there at the start, the rest joins over time.
            offset = 0 if rng.random() < 0.45 else int(span * rng.random() ** 0.7)
            joins = first_day + timedelta(days=offset)
            person = Participant(
                name=f"{first} {last}",
                email=email,
                organisation_id=orgs[org_name][0].id,
                sector=sector,
                status=ParticipantStatus.pending,
                created_at=datetime.combine(joins, time(12), tzinfo=now.tzinfo),
                updated_at=now,
            )
            session.add(person)
            session.flush()
            joined[person.id] = joins
    return joined


def _activate_joined_by(database, joined: dict[int, date], day: date) -> None:
    ready = [pid for pid, joins in joined.items() if joins <= day]
    with database.session() as session:
        session.exec(
            update(Participant)
            .where(Participant.id.in_(ready), Participant.status == ParticipantStatus.pending)
            .values(status=ParticipantStatus.active)
        )
        for pid in ready:
            person = session.get(Participant, pid)
            if person.joined_on is None:
                person.joined_on = joined[pid]
                session.add(person)


def _choose_rhythms_and_times(database, rng, ids: list[int]) -> None:
    """Each person's rhythm and usual free times, as people choose them on /me."""
    with database.session() as session:
        for pid in ids:
            person = session.get(Participant, pid)
            person.rhythm, person.free_times = behaviour.choose_rhythm_and_times(rng)
            session.add(person)


def _find_times(
    database, rng, round_id: int, *, settings: Settings, now: datetime
) -> dict[int, behaviour.Circumstances]:
    """Each group's suggested times and the time it picked (kept on its members), by number."""
    found = {}
    with database.session() as session:
        groups = groups_with_people(session=session, round_id=round_id)
        rhythms = dict(
            session.exec(
                select(Participant.id, Participant.rhythm)
                .join(RoundMember, RoundMember.participant_id == Participant.id)
                .where(RoundMember.round_id == round_id)
            ).all()
        )
        for group_no, members in sorted(groups.items()):
            people = [person for _, person in members]
            circumstances = behaviour.group_circumstances(
                rng,
                people,
                tuple(rhythms[person.id] for person in people),
                settings=settings,
                formed_at=now,
            )
            if circumstances.picked is not None:
                for member, _ in members:
                    member.meeting_at = circumstances.picked
                    session.add(member)
            found[group_no] = circumstances
    return found


def _answer(
    database,
    rng,
    round_id: int,
    *,
    answered_share: float,
    now: datetime,
    circumstances: dict[int, behaviour.Circumstances] | None = None,
) -> None:
    """A realistic mix: most groups meet, some do not, some never say.

    `circumstances` (None: the demo without the features) changes each group's odds.
    """
    with database.session() as session:
        members = session.exec(select(RoundMember).where(RoundMember.round_id == round_id)).all()
        groups: dict[int, list[RoundMember]] = {}
        for member in members:
            groups.setdefault(member.group_no, []).append(member)
        for group_no, group in groups.items():
            if rng.random() > answered_share:
                continue
            chance = behaviour.met_probability(
                None if circumstances is None else circumstances[group_no]
            )
            answer = behaviour.answer_of(rng.random(), chance)
            if answer == "met":
                outcome, reason = Outcome.met, None
            elif answer == "not_met":
                outcome, reason = Outcome.not_met, rng.choice(REASONS)
            else:
                continue  # never confirmed
            for member in group:
                if rng.random() < 0.7 or member is group[0]:
                    member.outcome, member.reason, member.answered_at = outcome, reason, now
                    session.add(member)
