"""A person's own rounds and partners, as their page shows them (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from tests.factories import make_participant, make_round
from unmentor.clock import utcnow
from unmentor.people.models import NO_ORGANISATION
from unmentor.privacy.erasure import erase_person
from unmentor.rounds.history import rounds_of
from unmentor.rounds.models import Outcome, RoundMember


def _answer(session, round_, person, outcome: Outcome | None) -> None:
    session.exec(
        update(RoundMember)
        .where(RoundMember.round_id == round_.id, RoundMember.participant_id == person.id)
        .values(outcome=outcome)
    )


def test_current_and_past_partners_newest_first(database, make_settings) -> None:
    with database.session() as session:
        ann = make_participant(session, name="Ann", organisation="Devon CC", sector="Council")
        bob = make_participant(session, name="Bob", organisation="NHS Devon", sector=None)
        cy = make_participant(session, name="Cy", organisation=None)
        dee = make_participant(session, name="Dee", organisation="Shelter")
        eve = make_participant(session, name="Eve", organisation="Age UK")
        first = make_round(session, [[ann, bob], [cy, dee]], number=1, period="2026-01")
        make_round(
            session,
            [[ann, cy, dee], [bob, eve]],
            number=2,
            period="2026-02",
            outcome=Outcome.unconfirmed,
        )
        third = make_round(session, [[ann, eve], [bob, cy]], number=3, period="2026-03")
        current = make_round(
            session, [[dee, ann], [bob, cy]], number=4, period="2026-04", closed=False
        )
        # Round 1: Ann said not met, Bob said met: the group met (anyone saying so counts).
        _answer(session, first, ann, Outcome.not_met)
        _answer(session, third, eve, Outcome.not_met)
        _answer(session, third, ann, Outcome.not_met)
        _answer(session, current, ann, Outcome.met)
        meeting = datetime(2026, 4, 9, 10, 0, tzinfo=UTC)
        session.exec(
            update(RoundMember).where(RoundMember.round_id == current.id).values(meeting_at=meeting)
        )

    with database.read_session() as session:
        mine = rounds_of(session=session, participant_id=ann.id)
        bobs = rounds_of(session=session, participant_id=bob.id)

    assert [r.number for r in mine] == [4, 3, 2, 1]
    now, last, triad, oldest = mine
    assert now.is_open and now.group_outcome == "met" and now.own_answer == Outcome.met
    assert [(p.name, p.organisation) for p in now.partners] == [("Dee", "Shelter")]
    assert now.meeting_at == meeting
    assert now.closes_on == current.closes_on
    assert last.group_outcome == "not_met" and not last.is_open
    assert [p.name for p in triad.partners] == ["Cy", "Dee"]
    assert triad.partners[0].organisation == NO_ORGANISATION
    assert triad.group_outcome == "unconfirmed"
    assert oldest.group_outcome == "met" and oldest.own_answer == Outcome.not_met
    assert oldest.partners[0].email == bob.email and oldest.partners[0].sector is None
    assert [(r.number, [p.name for p in r.partners]) for r in bobs] == [
        (4, ["Cy"]),
        (3, ["Cy"]),
        (2, ["Eve"]),
        (1, ["Ann"]),
    ]

    # Erasing Dee removes her from every round: Ann's page no longer names her, the open
    # round stays (with nobody to meet) and round 2 keeps Cy alone.
    erase_person(database=database, participant_id=dee.id, settings=make_settings(), now=utcnow())
    with database.read_session() as session:
        mine = rounds_of(session=session, participant_id=ann.id)
        dees = rounds_of(session=session, participant_id=dee.id)
    assert [(r.number, [p.name for p in r.partners]) for r in mine] == [
        (4, []),
        (3, ["Eve"]),
        (2, ["Cy"]),
        (1, ["Bob"]),
    ]
    assert dees == []


def test_an_open_round_nobody_answered_is_pending(database) -> None:
    with database.session() as session:
        ann = make_participant(session, organisation="Devon CC")
        bob = make_participant(session, organisation="NHS Devon")
        make_round(session, [[ann, bob]], number=1, period="2026-01", closed=False)
    with database.read_session() as session:
        (only,) = rounds_of(session=session, participant_id=bob.id)
    assert only.is_open and only.group_outcome == "pending" and only.own_answer is None
    assert only.meeting_at is None


def test_a_closed_round_whose_only_partner_was_erased_is_left_out(database, make_settings):
    with database.session() as session:
        ann = make_participant(session, organisation="Devon CC")
        bob = make_participant(session, organisation="NHS Devon")
        make_round(session, [[ann, bob]], number=1, period="2026-01")
    erase_person(database=database, participant_id=bob.id, settings=make_settings(), now=utcnow())
    with database.read_session() as session:
        assert rounds_of(session=session, participant_id=ann.id) == []


def test_someone_never_placed_has_no_rounds(database) -> None:
    with database.session() as session:
        ann = make_participant(session)
    with database.read_session() as session:
        assert rounds_of(session=session, participant_id=ann.id) == []
