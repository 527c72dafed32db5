"""Blocked pairs in forming (never grouped, told apart from 'met'), erasure and the download."""

from __future__ import annotations

from datetime import date
from enum import IntEnum

import pytest
from sqlmodel import select

from tests.blocking_support import cast_with_a_past, rows
from tests.factories import make_participant
from unmentor.blocking import service as blocking
from unmentor.blocking.models import BlockSource
from unmentor.clock import utcnow
from unmentor.errors import InvalidInput
from unmentor.mail.models import OutboxMessage
from unmentor.matching.types import Reason, SitOut
from unmentor.people.models import Participant
from unmentor.privacy import download, erasure
from unmentor.rounds.forming import form_round, plan_round
from unmentor.rounds.models import RoundSitOut
from unmentor.rounds.preview import preview_round

NOVEMBER = date(2026, 11, 3)


def _block_by_id(database, asker, other) -> None:
    with database.session() as session:
        blocking.create_pair(
            session=session, participant_id=asker.id, other_id=other.id, now=utcnow()
        )


def _block_by_email(database, asker, email: str) -> None:
    with database.session() as session:
        blocking.block_email(session=session, participant_id=asker.id, email=email, now=utcnow())


def test_blocked_pairs_are_never_grouped(database, make_settings) -> None:
    settings = make_settings()
    with database.session() as session:
        a1, a2 = (make_participant(session, organisation="A") for _ in range(2))
        b1, b2 = (make_participant(session, organisation="B") for _ in range(2))
    _block_by_id(database, a1, b1)
    # A typed address counts once its owner takes part, whichever side asked.
    _block_by_email(database, b2, a2.email.upper())
    with database.read_session() as session:
        assert blocking.pairs_for_matching(session=session) == sorted(
            [(a1.id, b1.id), (b2.id, a2.id)]
        )
        for seed in range(12):
            plan = plan_round(session=session, settings=settings, today=NOVEMBER, seed=seed)
            assert sorted(map(sorted, plan.groups)) == sorted(
                [sorted([a1.id, b2.id]), sorted([a2.id, b1.id])]
            )
        preview = preview_round(session=session, settings=settings, today=NOVEMBER, seed=3)
    assert preview.kept_apart == {a1.id: 1, a2.id: 1, b1.id: 1, b2.id: 1}


def test_a_typed_address_holds_after_a_change_and_for_newcomers(database, make_settings) -> None:
    settings = make_settings()
    cast = cast_with_a_past(database, settings)
    _block_by_email(database, cast.ann, "cy@example.org")
    _block_by_email(database, cast.ann, "later@example.org")
    with database.session() as session:
        cy = session.get(Participant, cast.cy.id)
        cy.email = "cy.moved@example.org"
        session.add(cy)
    with database.read_session() as session:
        for seed in range(6):
            plan = plan_round(session=session, settings=settings, today=NOVEMBER, seed=seed)
            # Ann has met Bob and asked not to meet Cy: only Dee is left for her.
            assert sorted(map(sorted, plan.groups)) == sorted(
                [sorted([cast.ann.id, cast.dee.id]), sorted([cast.bob.id, cast.cy.id])]
            )
    with database.session() as session:
        lee = make_participant(session, email="later@example.org", organisation="E")
    with database.read_session() as session:
        assert (cast.ann.id, lee.id) in blocking.pairs_for_matching(session=session)


def test_a_blocked_person_is_not_told_that_someone_asked(database, make_settings) -> None:
    settings = make_settings()
    with database.session() as session:
        asker = make_participant(session, organisation="A")
        other = make_participant(session, organisation="B")
    _block_by_id(database, asker, other)
    formed = form_round(database=database, settings=settings, today=NOVEMBER, now=utcnow(), seed=5)
    assert formed.sat_out == 2 and formed.groups == 0
    with database.read_session() as session:
        reasons = dict(session.exec(select(RoundSitOut.participant_id, RoundSitOut.reason)).all())
    assert "asked" not in reasons[other.id]
    with database.read_session() as session:
        notice = session.exec(
            select(OutboxMessage).where(OutboxMessage.participant_id == other.id)
        ).one()
    assert notice.idempotency_key.startswith("sat_out:") and "asked" not in notice.body


def test_participant_wording_hides_blocking_from_whoever_did_not_ask() -> None:
    # The engine branch adds a sit-out kind for "met or asked not to meet"; any such kind is
    # reworded for people who asked nobody.
    kinds = IntEnum("Kinds", {"NO_PARTNER_MET_OR_BLOCKED": 6})
    engine_says = Reason("everyone left is someone they have met or asked not to meet", kinds(6))
    assert blocking.reason_for_participant(engine_says, asked=True) == str(engine_says)
    assert blocking.reason_for_participant(engine_says, asked=False) == (
        blocking.NEUTRAL_NO_PARTNER
    )
    plain = Reason("an odd number of people", SitOut.ODD_ONE_OUT)
    assert blocking.reason_for_participant(plain, asked=False) == str(plain)


def test_erasing_either_person_removes_the_rows(database, make_settings) -> None:
    cast = cast_with_a_past(database, make_settings())
    _block_by_id(database, cast.ann, cast.bob)
    _block_by_email(database, cast.dee, "bob@example.org")
    _block_by_email(database, cast.ann, "nobody@example.org")
    _block_by_id(database, cast.cy, cast.dee)
    with database.session() as session:
        blocking.block_partner(
            session=session, participant_id=cast.bob.id, other_id=cast.ann.id, now=utcnow()
        )
    settings = make_settings()
    erasure.erase_person(
        database=database, participant_id=cast.bob.id, settings=settings, now=utcnow()
    )
    left = [(r.participant_id, r.other_id, r.other_email) for r in rows(database)]
    assert left == [(cast.ann.id, None, "nobody@example.org"), (cast.cy.id, cast.dee.id, None)]
    erasure.erase_person(
        database=database, participant_id=cast.ann.id, settings=settings, now=utcnow()
    )
    erasure.erase_person(
        database=database, participant_id=cast.dee.id, settings=settings, now=utcnow()
    )
    assert rows(database) == []


def test_the_download_names_only_what_the_asker_already_knows(database, make_settings) -> None:
    cast = cast_with_a_past(database, make_settings())
    with database.session() as session:
        blocking.block_partner(
            session=session, participant_id=cast.ann.id, other_id=cast.bob.id, now=utcnow()
        )
        # An organiser kept Ann from Cy, whom she has never met: she is not told who.
        blocking.create_pair(
            session=session, participant_id=cast.ann.id, other_id=cast.cy.id, now=utcnow()
        )
        blocking.create_pair(
            session=session, participant_id=cast.dee.id, other_id=cast.ann.id, now=utcnow()
        )
    with database.read_session() as session:
        ann = download.export_data(session=session, participant_id=cast.ann.id)
        cy = download.export_data(session=session, participant_id=cast.cy.id)
    assert [(e["never_introduce_to"], e["added_by"]) for e in ann["never_introduce"]] == [
        ("Bob Other", BlockSource.participant.value),
        ("someone you have not been introduced to", BlockSource.organiser.value),
    ]
    assert "Dee" not in str(ann) and "Cy" not in str(ann)
    assert cy["never_introduce"] == []


def test_a_list_is_capped_the_same_for_any_address(database, make_settings) -> None:
    cast = cast_with_a_past(database, make_settings())
    with database.session() as session:
        for n in range(blocking.MAX_OWN_ENTRIES - 1):
            blocking.block_email(
                session=session, participant_id=cast.ann.id, email=f"x{n}@example.org", now=utcnow()
            )
        blocking.block_email(
            session=session, participant_id=cast.ann.id, email="bob@example.org", now=utcnow()
        )
    for address in ("cy@example.org", "nobody@example.org"):
        with pytest.raises(InvalidInput, match="list is full"), database.session() as session:
            blocking.block_email(
                session=session, participant_id=cast.ann.id, email=address, now=utcnow()
            )
