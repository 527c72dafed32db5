"""Forming rounds through the database: complete, once per period, never repeating a pair."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from tests.factories import make_community, make_participant
from unmentor.clock import utcnow
from unmentor.errors import Conflict
from unmentor.mail.models import OutboxMessage
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds.forming import form_round
from unmentor.rounds.history import earlier_pairs
from unmentor.rounds.models import Round, RoundMember, RoundSitOut

NOVEMBER = date(2026, 11, 3)


def _form(database, settings, day=NOVEMBER, seed=7):
    return form_round(database=database, settings=settings, today=day, now=utcnow(), seed=seed)


def _count(database, model, *where) -> int:
    with database.read_session() as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _groups(database, round_id) -> list[list[int]]:
    with database.read_session() as session:
        rows = session.exec(
            select(RoundMember.group_no, RoundMember.participant_id).where(
                RoundMember.round_id == round_id
            )
        ).all()
    groups: dict[int, list[int]] = {}
    for group_no, pid in rows:
        groups.setdefault(group_no, []).append(pid)
    return list(groups.values())


def test_forming_places_everyone_across_organisations(database, make_settings) -> None:
    settings = make_settings()
    with database.session() as session:
        people = make_community(session, {"A": 3, "B": 3, "C": 4})
        organisation = {p.id: p.organisation_id for p in people}
    formed = _form(database, settings)
    assert formed.created and formed.round.number == 1 and formed.round.period == "2026-11"
    groups = _groups(database, formed.round.id)
    assert sorted(pid for g in groups for pid in g) == sorted(p.id for p in people)
    for group in groups:
        assert len({organisation[pid] for pid in group}) == len(group), group
    assert _count(database, OutboxMessage, OutboxMessage.idempotency_key.like("intro:%")) == 10


def test_introduction_names_the_partner_and_has_answer_links(database, make_settings) -> None:
    settings = make_settings(base_url="https://unmentor.example")
    with database.session() as session:
        ann = make_participant(session, name="Ann Smith", organisation="Devon CC")
        bob = make_participant(session, name="Bob Jones", organisation="NHS Devon")
    formed = _form(database, settings)
    with database.read_session() as session:
        email = session.exec(
            select(OutboxMessage).where(OutboxMessage.to_address == ann.email)
        ).one()
    assert "Bob Jones" in email.subject
    assert f"Bob Jones, NHS Devon ({bob.sector})\n  {bob.email}" in email.body
    assert "https://unmentor.example/outcome?token=" in email.body
    assert email.body.count("/outcome?token=") == 2
    assert "&answer=met" in email.body and "&answer=not_met" in email.body
    assert formed.round.closes_on.strftime("%-d %B %Y") in email.body


def test_a_second_forming_in_the_same_period_changes_nothing(database, make_settings) -> None:
    settings = make_settings()
    with database.session() as session:
        make_community(session, {"A": 2, "B": 2})
    first = _form(database, settings)
    emails = _count(database, OutboxMessage)
    again = _form(database, settings, day=NOVEMBER + timedelta(days=5), seed=99)
    assert not again.created and again.round.id == first.round.id
    assert _count(database, Round) == 1
    assert _count(database, OutboxMessage) == emails


def test_only_active_people_are_placed(database, make_settings) -> None:
    settings = make_settings()
    with database.session() as session:
        active = make_community(session, {"A": 1, "B": 1})
        make_participant(session, organisation="C", status=ParticipantStatus.pending)
        make_participant(session, organisation="D", status=ParticipantStatus.left)
        paused = make_participant(session, organisation="E")
        paused.status, paused.paused_until = ParticipantStatus.paused, NOVEMBER + timedelta(9)
        back = make_participant(session, organisation="F")
        back.status, back.paused_until = ParticipantStatus.paused, NOVEMBER
        session.add_all([paused, back])
    formed = _form(database, settings)
    placed = {pid for g in _groups(database, formed.round.id) for pid in g}
    assert placed == {active[0].id, active[1].id, back.id}
    with database.read_session() as session:
        assert session.get(Participant, back.id).status == ParticipantStatus.active


def test_odd_one_out_joins_a_triad(database, make_settings) -> None:
    with database.session() as session:
        make_community(session, {"A": 1, "B": 1, "C": 1, "D": 1, "E": 1})
    formed = _form(database, make_settings())
    assert sorted(len(g) for g in _groups(database, formed.round.id)) == [2, 3]
    assert _count(database, RoundSitOut) == 0


def test_pairs_never_repeat_over_rounds(database, make_settings) -> None:
    settings = make_settings()
    with database.session() as session:
        make_community(session, {"A": 3, "B": 3, "C": 2, "D": 2})
    seen: set[frozenset[int]] = set()
    for month in range(1, 6):
        formed = _form(database, settings, day=date(2027, month, 2), seed=month)
        for group in _groups(database, formed.round.id):
            for pair in itertools.combinations(group, 2):
                assert frozenset(pair) not in seen, f"repeat in round {formed.round.number}"
                seen.add(frozenset(pair))
    with database.read_session() as session:
        assert len(earlier_pairs(session=session)) == len(seen)


def test_who_sat_out_is_placed_first_next_time(database, make_settings) -> None:
    """A1..A3 and B1, B2: two pairs a round, so one A sits out each time."""
    settings = make_settings()
    with database.session() as session:
        make_community(session, {"A": 3, "B": 2})
    sat_out: list[int] = []
    for month in (1, 2, 3):
        formed = _form(database, settings, day=date(2027, month, 2), seed=month)
        with database.read_session() as session:
            [out] = session.exec(
                select(RoundSitOut.participant_id).where(RoundSitOut.round_id == formed.round.id)
            ).all()
        sat_out.append(out)
    assert len(set(sat_out)) == 3, "nobody sits out twice before each A has sat out once"


def test_sitting_out_is_explained_by_email(database, make_settings) -> None:
    with database.session() as session:
        make_community(session, {"A": 2, "B": 1})
    formed = _form(database, make_settings())
    with database.read_session() as session:
        [row] = session.exec(select(RoundSitOut)).all()
        notice = session.exec(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like("sat_out:%"))
        ).one()
    assert row.round_id == formed.round.id
    assert row.reason in notice.body
    assert "no partner for you" in notice.subject


def test_two_schedulers_at_once_make_one_round(database, make_settings) -> None:
    settings = make_settings()
    with database.session() as session:
        make_community(session, {"A": 10, "B": 10, "C": 10})

    def form(seed):
        return _form(database, settings, seed=seed).created

    with ThreadPoolExecutor(max_workers=4) as pool:
        created = list(pool.map(form, range(4)))
    assert created.count(True) == 1
    assert _count(database, Round) == 1
    assert _count(database, RoundMember) == 30
    assert _count(database, OutboxMessage) == 30


def test_no_round_is_formed_for_fewer_than_two_people(database, make_settings) -> None:
    settings = make_settings()
    with pytest.raises(Conflict, match="Not enough people"):
        _form(database, settings)
    with database.session() as session:
        make_participant(session)
    with pytest.raises(Conflict, match="1 active"):
        _form(database, settings)
    assert _count(database, Round) == 0
    with database.session() as session:
        make_participant(session, organisation="Elsewhere")
    assert _form(database, settings).created, "the period's round can still be formed later"


def test_periods_follow_the_cadence(database, make_settings) -> None:
    settings = make_settings(round_every_months=3, round_form_day=5, round_close_after_days=40)
    with database.session() as session:
        make_community(session, {"A": 2, "B": 2})
    formed = _form(database, settings, day=date(2027, 2, 20))
    assert formed.round.period == "2027-01"
    # Formed late: 40 days would run past the period, so it closes on the period's last day.
    assert formed.round.closes_on == date(2027, 3, 31)
    assert formed.round.reminder_on == date(2027, 2, 20) + timedelta(days=14)
    assert not _form(database, settings, day=date(2027, 3, 31)).created
    assert _form(database, settings, day=date(2027, 4, 6)).created


def test_people_counts_match_after_erasure_mid_round(database, make_settings, mailbox) -> None:
    from unmentor.privacy import erasure

    settings = make_settings()
    with database.session() as session:
        ann, bob = make_community(session, {"A": 1, "B": 1})
    formed = _form(database, settings)
    with database.session() as session:
        erasure.erase(session=session, participant_id=ann.id, settings=settings, now=utcnow())
    assert _groups(database, formed.round.id) == [[bob.id]]
    with database.read_session() as session:
        told = session.exec(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like("partner_left:%"))
        ).one()
    assert told.to_address == bob.email and ann.name not in told.body + told.subject
    assert "has left UnMentor" in told.body


def test_my_data_lists_my_rounds_and_partners(database, make_settings) -> None:
    from unmentor.privacy.download import export_data

    with database.session() as session:
        ann = make_participant(session, name="Ann", organisation="A")
        make_participant(session, name="Bob", organisation="B")
    _form(database, make_settings())
    with database.read_session() as session:
        data = export_data(session=session, participant_id=ann.id)
    assert data["rounds"] == [
        {
            "round": 1,
            "period": "2026-11",
            "met_with": ["Bob"],
            "your_answer": None,
            "reason": None,
            "time_picked": None,
            "comment": None,
            "second_chance_group": False,
            "asked_for_someone_else": None,
            "asked_at": None,
        }
    ]
    assert [email["subject"] for email in data["emails"]] == ["UnMentor November 2026: meet Bob"]
