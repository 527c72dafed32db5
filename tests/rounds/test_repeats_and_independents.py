"""Forming with people who have no organisation, and with the repeat policy (issue 10)."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from tests.factories import make_participant, make_round
from unmentor.clock import utcnow
from unmentor.mail.models import OutboxMessage
from unmentor.rounds.forming import form_round, plan_round
from unmentor.rounds.models import RoundMember, RoundSitOut
from unmentor.rounds.preview import preview_round

NOVEMBER = date(2026, 11, 3)


def _form(database, settings, day=NOVEMBER, seed=7):
    return form_round(database=database, settings=settings, today=day, now=utcnow(), seed=seed)


def _groups(database, round_id) -> set[frozenset[int]]:
    with database.read_session() as session:
        rows = session.exec(
            select(RoundMember.group_no, RoundMember.participant_id).where(
                RoundMember.round_id == round_id
            )
        ).all()
    groups: dict[int, set[int]] = {}
    for group_no, pid in rows:
        groups.setdefault(group_no, set()).add(pid)
    return {frozenset(g) for g in groups.values()}


def _introduction(database, email: str) -> str:
    with database.read_session() as session:
        return session.exec(
            select(OutboxMessage.body).where(
                OutboxMessage.to_address == email, OutboxMessage.idempotency_key.like("intro:%")
            )
        ).one()


def _plan(database, settings, seed=1):
    with database.read_session() as session:
        return plan_round(session=session, settings=settings, today=NOVEMBER, seed=seed)


def test_people_without_an_organisation_meet_anyone(database, make_settings) -> None:
    settings = make_settings()
    with database.session() as session:
        fay = make_participant(session, name="Fay Free", organisation=None)
        gil = make_participant(session, name="Gil Solo", organisation="")
        crowd = [make_participant(session, organisation="Acme") for _ in range(3)]
    # Two independents may meet each other: they share no organisation.
    with database.session() as session:
        for person in crowd:
            session.get(type(person), person.id).status = "left"
    formed = _form(database, settings)
    assert _groups(database, formed.round.id) == {frozenset({fay.id, gil.id})}
    assert f"Gil Solo, Independent ({gil.sector})\n  {gil.email}" in _introduction(
        database, fay.email
    )
    # With the crowd back, each independent is placed with someone from Acme.
    with database.session() as session:
        for person in crowd:
            session.get(type(person), person.id).status = "active"
    plan = _plan(database, settings)
    placed = {pid for group in plan.groups for pid in group}
    assert {fay.id, gil.id} <= placed and len(placed) == 4
    assert all(len({fay.id, gil.id} & set(group)) == 1 for group in plan.groups)


def test_partners_meet_again_after_n_rounds(database, make_settings) -> None:
    with database.session() as session:
        ann = make_participant(session, name="Ann", organisation="A")
        bob = make_participant(session, name="Bob", organisation="B")
        make_round(session, [[ann, bob]], number=1, period="2026-09")
    never = make_settings()
    after_one = make_settings(repeat_partners_after_rounds=1)
    assert _plan(database, never).groups == []
    # Round 2 comes one round after their meeting: still too soon.
    october = _form(database, after_one, day=date(2026, 10, 2))
    assert october.round.number == 2 and october.placed == 0 and october.sat_out == 2
    assert _plan(database, never).groups == []
    november = _form(database, after_one)
    assert _groups(database, november.round.id) == {frozenset({ann.id, bob.id})}
    assert "Bob, B (" in _introduction(database, ann.email)
    assert "You first met in round 1" in _introduction(database, ann.email)


def test_repeat_oldest_pairs_those_who_met_longest_ago(database, make_settings) -> None:
    with database.session() as session:
        a, b, c, d = (make_participant(session, organisation=org) for org in "ABCD")
        # Everyone has met everyone: a round-robin over three rounds.
        make_round(session, [[a, b], [c, d]], number=1, period="2026-08")
        make_round(session, [[a, c], [b, d]], number=2, period="2026-09")
        make_round(session, [[a, d], [b, c]], number=3, period="2026-10")
        ids = {p.id: p for p in (a, b, c, d)}
    assert _plan(database, make_settings()).groups == []
    repeat_oldest = make_settings(when_no_fresh_partner="repeat_oldest")
    with database.read_session() as session:
        preview = preview_round(session=session, settings=repeat_oldest, today=NOVEMBER, seed=1)
    assert sorted((x.participant_id, y.participant_id, n) for x, y, n in preview.meets_again) == [
        (a.id, b.id, 1),
        (c.id, d.id, 1),
    ]
    formed = _form(database, repeat_oldest)
    assert _groups(database, formed.round.id) == {frozenset({a.id, b.id}), frozenset({c.id, d.id})}
    with database.read_session() as session:
        assert session.exec(select(RoundSitOut)).all() == []
    for person in ids.values():
        assert "You first met in round 1: this is a chance to catch up." in _introduction(
            database, person.email
        )


def test_repeat_oldest_keeps_recent_partners_apart_within_the_window(
    database, make_settings
) -> None:
    """With both settings, pairs past the window are simply new; repeats reach further in."""
    with database.session() as session:
        a, b, c = (make_participant(session, organisation=org) for org in "ABC")
        make_round(session, [[a, b]], number=1, period="2026-07")
        make_round(session, [[a, c]], number=2, period="2026-08")
        make_round(session, [[b, c]], number=3, period="2026-09")
    settings = make_settings(repeat_partners_after_rounds=2)
    # Next is round 4: a-b (round 1) is past the window; a-c and b-c are not.
    plan = _plan(database, settings)
    assert sorted(map(sorted, plan.groups)) == [sorted([a.id, b.id])]
    assert plan.first_met == {(min(a.id, b.id), max(a.id, b.id)): 1}
    assert c.id in plan.sat_out
