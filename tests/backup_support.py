"""A live community for the backup, restore and copy tests.

The demo's history (an open round with half its answers in) plus what the demo lacks:
conflicting answers, a reminder, second chances, a sit-out, a pause with its end date,
someone who left, someone without an organisation, an organisation nobody belongs to any
more, never-match requests of every kind, stories (pending, approved after an edit, rejected,
and a withdrawn newest one whose id must never come back), and an erased newest participant
whose id must never come back either.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlmodel import select

from unmentor.blocking import service as blocking
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.demo import build_demo
from unmentor.organisers import service as accounts
from unmentor.organisers import tokens
from unmentor.organisers.actor import Actor, acting_as
from unmentor.organisers.models import OrganiserRole
from unmentor.people import domains, membership, organisations
from unmentor.people.models import Organisation, Participant, ParticipantStatus
from unmentor.people.normalise import organisation_key
from unmentor.privacy.erasure import erase_person
from unmentor.rounds.models import (
    NotMetReason,
    Outcome,
    Round,
    RoundMember,
    RoundSitOut,
    SecondChance,
)
from unmentor.settings import load_settings
from unmentor.stories.models import Attribution, Story, StoryStatus
from unmentor.tables import metadata

TODAY = date(2026, 11, 10)
NOW = datetime(2026, 11, 10, 12, tzinfo=utcnow().tzinfo)


def live_community(database: Database) -> None:
    """Fill an empty database with the community described above."""
    settings = load_settings(database_url=database.url)
    # Without the demo's behaviour model: the few choices below are the ones the tests check.
    build_demo(
        database=database,
        settings=settings,
        people=40,
        rounds=3,
        seed=7,
        today=TODAY,
        features=False,
    )
    with database.session() as session:
        open_round = session.exec(select(Round).where(Round.closed_at.is_(None))).one()
        members = session.exec(
            select(RoundMember)
            .where(RoundMember.round_id == open_round.id)
            .order_by(RoundMember.group_no, RoundMember.participant_id)
        ).all()
        first, second = members[0], members[1]
        assert first.group_no == second.group_no
        # Two members of one group disagree; a third was reminded.
        first.outcome, first.reason, first.answered_at = Outcome.met, None, NOW
        second.outcome, second.reason = Outcome.not_met, NotMetReason.no_time
        second.comment = "Our diaries never lined up — «next month»"
        second.answered_at = NOW + timedelta(microseconds=123)
        members[2].reminded_at = NOW
        # The first group picked a time; one person gave free times and a zone of their own.
        first.meeting_at = second.meeting_at = NOW + timedelta(days=2, hours=3)
        session.add_all([first, second, members[2]])
        # Two members of the last groups asked for someone else and were grouped again (a
        # second chance); a third still waits.
        by_group: dict[int, RoundMember] = {}
        for member in members:
            by_group.setdefault(member.group_no, member)
        *_, asker_a, asker_b, waiting = (by_group[g] for g in sorted(by_group))
        for asker in (asker_a, asker_b, waiting):
            asker.outcome, asker.reason = Outcome.not_met, NotMetReason.no_reply
            asker.answered_at = asker.second_chance_asked_at = NOW + timedelta(hours=1)
            asker.second_chance = SecondChance.found
        waiting.second_chance = SecondChance.waiting
        session.add_all([asker_a, asker_b, waiting])
        for asker in (asker_a, asker_b):
            session.add(
                RoundMember(
                    round_id=open_round.id,
                    group_no=members[-1].group_no + 1,
                    participant_id=asker.participant_id,
                    chance=2,
                    joined_at=NOW + timedelta(hours=2),
                )
            )
        people = session.exec(select(Participant).order_by(Participant.id)).all()
        people[4].free_times, people[4].time_zone = "mon-am,thu-pm", "America/New_York"
        people[4].about_me = "Bus timetables by day, «open data» by night"
        session.add(people[4])
        session.add(
            RoundSitOut(round_id=open_round.id, participant_id=people[3].id, reason="nobody new")
        )
        session.add(Organisation(name="Empty Ltd", name_key=organisation_key("Empty Ltd")))
        independent = Participant(
            name="Ivy Independent",
            email="ivy@example.org",
            status=ParticipantStatus.active,
            rhythm=3,
        )
        session.add(independent)
        session.flush()
        membership.pause(
            session=session,
            participant_id=people[5].id,
            until=date.today() + timedelta(days=30),
            settings=settings,
            now=utcnow(),
        )
        membership.leave(session=session, participant_id=people[6].id, now=utcnow())
        blocking.block_partner(
            session=session,
            participant_id=first.participant_id,
            other_id=second.participant_id,
            now=NOW,
        )
        blocking.block_email(
            session=session, participant_id=people[7].id, email="nobody@example.org", now=NOW
        )
        blocking.create_pair(
            session=session, participant_id=people[8].id, other_id=independent.id, now=NOW
        )
        # Organisations as an organiser shapes them: a parent, an owned domain, and a merge
        # (an alias left behind, a record of whom it moved); a privacy notice version shown.
        parent = Organisation(name="Parent Council", name_key=organisation_key("Parent Council"))
        child = Organisation(name="Child Team", name_key=organisation_key("Child Team"))
        session.add_all([parent, child])
        session.flush()
        organisations.set_parent(session=session, organisation_id=child.id, parent_id=parent.id)
        domains.add_domain(
            session=session,
            organisation_id=parent.id,
            domain="parent.example.gov.uk",
            webmail=settings.webmail,
            now=NOW,
        )
        source, target = people[9].organisation_id, people[10].organisation_id
        assert source != target
        organisations.merge(session=session, source_id=source, target_id=target, now=NOW)
        people[11].privacy_notice_version = "0123456789ab"
        session.add(people[11])
        _stories(session, open_round, first)
        # Organiser accounts: one acting (so the audit log has entries), a viewer removed,
        # a token in use and one revoked.
        olga = accounts.add(
            session=session,
            name="Olga Organiser",
            email="olga@example.org",
            role=OrganiserRole.organiser,
            settings=settings,
            now=NOW,
        )
        with acting_as(Actor(id=olga.id, name=olga.name, role=olga.role)):
            viewer = accounts.add(
                session=session,
                name="Vic «Viewer»",
                email="vic@example.org",
                role=OrganiserRole.viewer,
                settings=settings,
                now=NOW + timedelta(microseconds=5),
            )
            kept = tokens.create(session=session, organiser_id=olga.id, name="reports", now=NOW)
            tokens.note_use(session=session, token_id=kept.id, now=NOW + timedelta(hours=1))
            gone = tokens.create(session=session, organiser_id=olga.id, name="old", now=NOW)
            tokens.revoke(session=session, organiser_id=olga.id, token_id=gone.id, now=NOW)
            accounts.remove(session=session, organiser_id=viewer.id, now=NOW + timedelta(days=1))
        newest = Participant(name="Gone Soon", email="gone@example.org")
        session.add(newest)
        session.flush()
        newest_id = newest.id
    erase_person(database=database, participant_id=newest_id, settings=settings, now=utcnow())


def _stories(session, open_round: Round, first: RoundMember) -> None:
    """A pending story in the open round; in a closed one an approved and a rejected one."""
    closed = session.exec(
        select(RoundMember)
        .join(Round, Round.id == RoundMember.round_id)
        .where(Round.closed_at.is_not(None), RoundMember.outcome == Outcome.met)
        .order_by(Round.number, RoundMember.group_no, RoundMember.participant_id)
    ).all()
    approved, rejected, withdrawn = closed[0], closed[2], closed[4]
    session.add_all(
        [
            Story(
                round_id=open_round.id,
                participant_id=first.participant_id,
                chance=first.chance,
                text="We found we both «love» timetables — who knew?",
                attribution=Attribution.sector,
                created_at=NOW,
                updated_at=NOW,
            ),
            Story(
                round_id=approved.round_id,
                participant_id=approved.participant_id,
                chance=approved.chance,
                text="A walk by the river; an idea for a shared dataset.",
                attribution=Attribution.anonymous,
                status=StoryStatus.approved,
                edited=True,
                created_at=NOW - timedelta(days=40),
                updated_at=NOW - timedelta(days=39),
                decided_at=NOW - timedelta(days=39, microseconds=-7),
            ),
            Story(
                round_id=rejected.round_id,
                participant_id=rejected.participant_id,
                chance=rejected.chance,
                text="Not for publishing.",
                attribution=Attribution.sector,
                status=StoryStatus.rejected,
                created_at=NOW - timedelta(days=41),
                updated_at=NOW - timedelta(days=41),
                decided_at=NOW - timedelta(days=38),
            ),
        ]
    )
    session.flush()
    gone = Story(
        round_id=withdrawn.round_id,
        participant_id=withdrawn.participant_id,
        chance=withdrawn.chance,
        text="Withdrawn again.",
        attribution=Attribution.anonymous,
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(gone)
    session.flush()
    session.delete(gone)
    session.flush()


def fresh_sqlite(template: Path, folder: Path) -> Database:
    """A new, migrated, empty SQLite database in `folder`."""
    path = folder / "restored.db"
    shutil.copyfile(template, path)
    return Database(f"sqlite:///{path}")


def emptied(url: str) -> Database:
    """The test's PostgreSQL database as new: no rows, sequences back at 1."""
    engine = create_engine(url)
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return Database(url)
