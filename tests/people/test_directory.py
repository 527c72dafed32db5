"""The organiser's directory of people: search, filters and pages in SQL; pause, resume, edit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import make_participant
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.errors import Conflict, InvalidInput
from unmentor.people import directory
from unmentor.people.models import ParticipantStatus
from unmentor.people.schemas import ParticipantUpdate


def _names(page: directory.PeoplePage) -> list[str]:
    return [row.name for row in page.rows]


def test_search_matches_names_and_emails_ignoring_case_and_wildcards(database: Database) -> None:
    with database.session() as session:
        make_participant(session, name="Ann Oakley", email="ann@devon.gov.uk")
        make_participant(session, name="bob Oakes", email="b.o@nhs.net", organisation="NHS")
        make_participant(session, name="Cy 100% Sure", email="cy@example.org", organisation=None)
        make_participant(session, name="Dee_Underscore", email="dee@example.org")
    with database.read_session() as session:
        assert _names(directory.search_people(session=session, search="OAK")) == [
            "Ann Oakley",
            "bob Oakes",
        ]
        assert _names(directory.search_people(session=session, search="nhs.NET")) == ["bob Oakes"]
        # % and _ are what was typed, not LIKE's wildcards.
        assert _names(directory.search_people(session=session, search="100%")) == ["Cy 100% Sure"]
        assert _names(directory.search_people(session=session, search="e_u")) == ["Dee_Underscore"]
        assert directory.search_people(session=session, search="%").total == 1
        everyone = directory.search_people(session=session)
    assert [(r.name, r.organisation) for r in everyone.rows] == [
        ("Ann Oakley", "Devon County Council"),
        ("bob Oakes", "NHS"),  # ordered ignoring case
        ("Cy 100% Sure", None),
        ("Dee_Underscore", "Devon County Council"),
    ]


def test_filters_combine_and_pages_cover_everyone_once(database: Database) -> None:
    with database.session() as session:
        people = [
            make_participant(session, name=f"Person {n:02d}", organisation=f"Org {n % 3}")
            for n in range(23)
        ]
        for person in people[::4]:
            directory.pause_person(
                session=session,
                participant_id=person.id,
                until=utcnow().date() + timedelta(days=30),
                now=utcnow(),
            )
        org_one = people[1].organisation_id
    with database.read_session() as session:
        seen, offset = [], 0
        while True:
            page = directory.search_people(session=session, offset=offset, limit=10)
            assert page.total == 23
            seen += [row.id for row in page.rows]
            if not page.has_next:
                break
            offset += 10
        assert seen == [p.id for p in people]
        assert (page.first, page.last) == (21, 23)
        paused = directory.search_people(session=session, status=ParticipantStatus.paused)
        assert {r.id for r in paused.rows} == {p.id for p in people[::4]}
        assert all(r.paused_until is not None for r in paused.rows)
        both = directory.search_people(
            session=session, status=ParticipantStatus.active, organisation_id=org_one
        )
        expected = [p.id for i, p in enumerate(people) if i % 3 == 1 and i % 4 != 0]
        assert [r.id for r in both.rows] == expected and both.total == len(expected)
        none = directory.search_people(session=session, search="Person 0", organisation_id=org_one)
        assert _names(none) == ["Person 01", "Person 04", "Person 07"]


def test_pause_and_resume_as_an_organiser(database: Database) -> None:
    now = utcnow()
    until = now.date() + timedelta(days=40)
    with database.session() as session:
        ann = make_participant(session)
        left = make_participant(session, status=ParticipantStatus.left)
        pending = make_participant(session, status=ParticipantStatus.pending)
        paused = directory.pause_person(
            session=session, participant_id=ann.id, until=until, now=now
        )
        assert (paused.status, paused.paused_until) == (ParticipantStatus.paused, until)
        with pytest.raises(InvalidInput, match="after today"):
            directory.pause_person(
                session=session, participant_id=ann.id, until=now.date(), now=now
            )
        with pytest.raises(InvalidInput, match="date the pause ends"):
            directory.pause_person(session=session, participant_id=ann.id, until=None, now=now)
        with pytest.raises(Conflict, match="not taking part"):
            directory.pause_person(session=session, participant_id=left.id, until=until, now=now)
        resumed = directory.resume_person(session=session, participant_id=ann.id, now=now)
        assert (resumed.status, resumed.paused_until) == (ParticipantStatus.active, None)
        with pytest.raises(Conflict, match="already taking part"):
            directory.resume_person(session=session, participant_id=ann.id, now=now)
        with pytest.raises(Conflict, match="not confirmed"):
            directory.resume_person(session=session, participant_id=pending.id, now=now)
        back = directory.resume_person(session=session, participant_id=left.id, now=now)
        assert back.status == ParticipantStatus.active


def test_edit_changes_details_and_refuses_a_taken_email(database: Database) -> None:
    now = utcnow()
    with database.session() as session:
        ann = make_participant(session, email="ann@example.org")
        make_participant(session, email="bob@example.org")
        directory.edit_person(
            session=session,
            participant_id=ann.id,
            changes=ParticipantUpdate(
                name="Ann Fixed",
                email="Ann@Example.ORG ",
                organisation="",
                sector="Health",
                rhythm=2,
            ),
            now=now,
        )
        with pytest.raises(Conflict):
            directory.edit_person(
                session=session,
                participant_id=ann.id,
                changes=ParticipantUpdate(email="bob@example.org"),
                now=now,
            )
    with database.read_session() as session:
        row = directory.search_people(session=session, search="fixed").rows[0]
    assert (row.name, row.email, row.organisation) == ("Ann Fixed", "ann@example.org", None)


def test_an_old_merged_name_means_the_organisation_it_became(database: Database) -> None:
    from unmentor.people import organisations

    with database.session() as session:
        ann = make_participant(session, organisation="Devon County Council")
        bob = make_participant(session, organisation="Devon CC")
        organisations.merge(
            session=session,
            source_id=bob.organisation_id,
            target_id=ann.organisation_id,
            now=utcnow(),
        )
        found = directory.organisation_named(session=session, name=" devon cc ")
        assert found.id == ann.organisation_id
        assert directory.organisation_named(session=session, name="Nowhere") is None
        page = directory.search_people(session=session, organisation_id=found.id)
        assert {row.id for row in page.rows} == {ann.id, bob.id}
