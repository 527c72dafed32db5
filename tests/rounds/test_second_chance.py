"""A second chance inside the round: asking for someone else, pairing askers, the deadline."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlmodel import select

from tests.factories import make_participant, make_round
from unmentor.blocking import service as blocking
from unmentor.clock import utcnow
from unmentor.errors import Conflict
from unmentor.mail.models import OutboxMessage
from unmentor.network.data import load_network
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.privacy.download import export_data
from unmentor.privacy.erasure import erase_person
from unmentor.rounds import outcomes, rematch, rematch_pairing
from unmentor.rounds.history import earlier_pairs, rounds_of
from unmentor.rounds.models import NotMetReason, Outcome, Round, RoundMember, SecondChance
from unmentor.rounds.service import round_detail
from unmentor.rounds.tokens import outcome_token, read_outcome_token, rematch_token
from unmentor.web.my_rounds import page_context

PERIOD = "2026-11"
STARTS = date(2026, 11, 1)


def _now(day: int) -> datetime:
    return datetime(2026, 11, day, 12, tzinfo=utcnow().tzinfo)


@pytest.fixture
def community(database, make_settings):
    """An open round of four pairs (Ann+Bob, Cat+Dan, Eve+Fay, Gus+Hal) in four
    organisations; Ann, Cat, Eve and Gus will be the askers. Eve shares Ann's organisation."""
    settings = make_settings()
    with database.session() as session:
        orgs = ["North", "South", "North", "East"]
        names = ["Ann", "Cat", "Eve", "Gus"]
        partners = ["Bob", "Dan", "Fay", "Hal"]
        people = {}
        for name, partner, org in zip(names, partners, orgs, strict=True):
            people[name] = make_participant(session, name=name, organisation=org)
            people[partner] = make_participant(session, name=partner, organisation="West")
        round_ = make_round(
            session,
            [[people[a], people[b]] for a, b in zip(names, partners, strict=True)],
            number=1,
            period=PERIOD,
            closed=False,
        )
        ids = {name: person.id for name, person in people.items()}
        round_id = round_.id
    return settings, round_id, ids


def _ask(database, settings, round_id, pid, *, day=3):
    token = rematch_token(settings.secret_key.get_secret_value(), round_id, pid)
    with database.session() as session:
        return rematch.ask(
            session=session,
            settings=settings,
            token=token,
            today=date(2026, 11, day),
            now=_now(day),
        )


def _rows(database, round_id, pid) -> list[RoundMember]:
    with database.read_session() as session:
        return list(
            session.exec(
                select(RoundMember)
                .where(RoundMember.round_id == round_id, RoundMember.participant_id == pid)
                .order_by(RoundMember.chance)
            ).all()
        )


def test_two_askers_are_paired_at_once_and_keep_their_first_group(database, community) -> None:
    settings, round_id, ids = community
    first = _ask(database, settings, round_id, ids["Ann"])
    assert first.state == "waiting" and first.partners == ["Bob"]
    [ann_first] = _rows(database, round_id, ids["Ann"])
    assert (ann_first.outcome, ann_first.reason) == (Outcome.not_met, NotMetReason.no_reply)
    assert _ask(database, settings, round_id, ids["Ann"]).state == "waiting", "a double click"

    second = _ask(database, settings, round_id, ids["Cat"])
    assert second.state == "found" and second.new_partners == ["Ann"]
    ann_rows = _rows(database, round_id, ids["Ann"])
    cat_rows = _rows(database, round_id, ids["Cat"])
    assert [r.chance for r in ann_rows] == [1, 2] and [r.chance for r in cat_rows] == [1, 2]
    assert ann_rows[1].group_no == cat_rows[1].group_no == 5, "a new group of the same round"
    assert ann_rows[0].second_chance == SecondChance.found
    assert ann_rows[1].joined_at is not None
    with database.read_session() as session:
        # The old pair stays on record; the new one is never to meet again either.
        pairs = {tuple(sorted(p)) for p in earlier_pairs(session=session)}
        keys = [
            m.idempotency_key
            for m in session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        ]
        detail = round_detail(session=session, number=1)
    assert tuple(sorted((ids["Ann"], ids["Bob"]))) in pairs
    assert tuple(sorted((ids["Ann"], ids["Cat"]))) in pairs
    assert f"rematch:{round_id}:{ids['Ann']}:2" in keys
    assert f"rematch:{round_id}:{ids['Cat']}:2" in keys
    assert detail.people == 8, "someone in two groups counts once"
    assert detail.second_chance_groups == 1
    assert [g.second_chance for g in detail.group_list] == [False] * 4 + [True]
    asked = {m.name: m.second_chance for g in detail.group_list[:4] for m in g.members}
    assert asked["Ann"] == asked["Cat"] == "found" and asked["Bob"] is None
    with database.read_session() as session:
        mine = export_data(session=session, participant_id=ids["Ann"])["rounds"]
    assert [
        (r["met_with"], r["second_chance_group"], r["asked_for_someone_else"]) for r in mine
    ] == [(["Bob"], False, "found"), (["Cat"], True, None)], "the personal-data download"
    with database.read_session() as session:
        network = load_network(session=session)
    drawn = {(link.a, link.b): link.outcome for link in network.links}
    assert drawn[min(ids["Ann"], ids["Bob"]), max(ids["Ann"], ids["Bob"])] == "not_met"
    assert drawn[min(ids["Ann"], ids["Cat"]), max(ids["Ann"], ids["Cat"])] == "pending"
    assert network.taking_part == {1: 8}, "the pictures count each person once"


def test_second_group_links_carry_the_chance_and_old_links_still_work(database, community) -> None:
    settings, round_id, ids = community
    _ask(database, settings, round_id, ids["Ann"])
    _ask(database, settings, round_id, ids["Cat"])
    secret = settings.secret_key.get_secret_value()
    new = outcome_token(secret, round_id, ids["Ann"], 2)
    old = outcome_token(secret, round_id, ids["Ann"])
    assert read_outcome_token(secret, new) == (round_id, ids["Ann"], 2)
    assert read_outcome_token(secret, old) == (round_id, ids["Ann"], 1)
    with database.session() as session:
        outcomes.record_answer(
            session=session,
            settings=settings,
            token=new,
            outcome=Outcome.met,
            reason=None,
            now=_now(5),
        )
    old_row, new_row = _rows(database, round_id, ids["Ann"])
    assert new_row.outcome == Outcome.met
    assert old_row.outcome == Outcome.not_met, "the first group keeps its red line"
    with database.session() as session:
        outcomes.record_answer(
            session=session,
            settings=settings,
            token=old,
            outcome=Outcome.not_met,
            reason=NotMetReason.cancelled,
            now=_now(6),
        )
    old_row, new_row = _rows(database, round_id, ids["Ann"])
    assert (old_row.reason, new_row.outcome) == (NotMetReason.cancelled, Outcome.met)


def test_same_organisation_or_blocked_askers_wait_and_are_told_after_the_deadline(
    database, community
) -> None:
    settings, round_id, ids = community
    with database.session() as session:
        blocking.create_pair(
            session=session, participant_id=ids["Gus"], other_id=ids["Ann"], now=_now(2)
        )
    assert _ask(database, settings, round_id, ids["Ann"]).state == "waiting"
    assert _ask(database, settings, round_id, ids["Eve"]).state == "waiting", "same organisation"
    assert _ask(database, settings, round_id, ids["Gus"]).state == "found", "Gus blocks Ann"
    assert [r.chance for r in _rows(database, round_id, ids["Ann"])] == [1]
    deadline = STARTS + timedelta(days=settings.rematch_until_day)
    with database.session() as session:
        before = rematch_pairing.close_requests(
            session=session, settings=settings, today=deadline, now=_now(deadline.day)
        )
    assert (before.groups, before.not_found) == (0, 0), "still time for someone else to ask"
    late = deadline + timedelta(days=1)
    with database.session() as session:
        after = rematch_pairing.close_requests(
            session=session, settings=settings, today=late, now=_now(12)
        )
        told = session.exec(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith("rematch_not"))
        ).all()
    assert after.not_found == 1
    assert {m.participant_id for m in told} == {ids["Ann"]}
    assert "nobody else who asked" in told[0].body
    assert _rows(database, round_id, ids["Ann"])[0].second_chance == SecondChance.not_found
    with database.session() as session:
        again = rematch_pairing.close_requests(
            session=session, settings=settings, today=late, now=_now(13)
        )
    assert again.not_found == 0, "told once"
    with pytest.raises(Conflict, match="too late"):
        _ask(database, settings, round_id, ids["Cat"], day=late.day)


def test_who_may_not_ask(database, community) -> None:
    settings, round_id, ids = community
    secret = settings.secret_key.get_secret_value()
    with database.session() as session:
        outcomes.record_answer(
            session=session,
            settings=settings,
            token=outcome_token(secret, round_id, ids["Dan"]),
            outcome=Outcome.met,
            reason=None,
            now=_now(2),
        )
        eve = session.get(Participant, ids["Eve"])
        eve.status = ParticipantStatus.paused
        session.add(eve)
    with pytest.raises(Conflict, match="said you met"):
        _ask(database, settings, round_id, ids["Cat"])
    with pytest.raises(Conflict, match="paused"):
        _ask(database, settings, round_id, ids["Eve"])
    # A partner who answered "we didn't meet" replied, but nothing happened: one may ask.
    with database.session() as session:
        outcomes.record_answer(
            session=session,
            settings=settings,
            token=outcome_token(secret, round_id, ids["Hal"]),
            outcome=Outcome.not_met,
            reason=NotMetReason.no_time,
            now=_now(2),
        )
    assert _ask(database, settings, round_id, ids["Gus"]).state == "waiting"
    [gus] = _rows(database, round_id, ids["Gus"])
    assert gus.outcome == Outcome.not_met


def test_the_silent_partner_counts_once_and_asking_never_counts(database, community) -> None:
    """Closing the round: Bob (silent) has one silent round, as if Ann had not asked; Ann,
    whose second group also went silent, has none (asking was an answer)."""
    settings, round_id, ids = community
    _ask(database, settings, round_id, ids["Ann"])
    _ask(database, settings, round_id, ids["Cat"])
    with database.session() as session:
        round_ = session.get(Round, round_id)
        outcomes.close_round(session=session, settings=settings, round_=round_, now=_now(26))
        streaks = outcomes._silent_rounds(session, set(ids.values()), limit=3)
    assert streaks[ids["Bob"]] == 1 and streaks[ids["Dan"]] == 1
    assert streaks[ids["Ann"]] == 0 and streaks[ids["Cat"]] == 0
    assert streaks[ids["Eve"]] == 1, "an ordinary silent group, for comparison"


organisations = st.sampled_from(["A", "B", "C", None])


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    orgs=st.lists(organisations, min_size=2, max_size=12),
    pairs=st.sets(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=20),
    blocked=st.sets(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=8),
    seed=st.integers(0, 2**31 - 1),
)
def test_rematches_never_pair_one_organisation_people_who_met_or_blocked_pairs(
    orgs, pairs, blocked, seed
) -> None:
    waiting = list(enumerate(orgs))
    history = [(a, b) for a, b in pairs if a != b and a < len(orgs) and b < len(orgs)]
    blocks = [(a, b) for a, b in blocked if a != b and a < len(orgs) and b < len(orgs)]
    groups = rematch_pairing.choose_groups(waiting, history=history, blocked=blocks, seed=seed)
    forbidden = {frozenset(p) for p in history} | {frozenset(p) for p in blocks}
    placed = [pid for group in groups for pid in group]
    assert len(placed) == len(set(placed)), "nobody in two groups"
    for group in groups:
        assert len(group) == 2
        a, b = group
        assert orgs[a] is None or orgs[a] != orgs[b]
        assert frozenset(group) not in forbidden
    # As many as can be: nobody left waiting could be paired with another left waiting.
    left = [pid for pid in range(len(orgs)) if pid not in placed]
    for i, a in enumerate(left):
        for b in left[i + 1 :]:
            compatible = (orgs[a] is None or orgs[a] != orgs[b]) and frozenset(
                (a, b)
            ) not in forbidden
            assert not compatible, f"{a} and {b} could have been paired"


def test_a_partner_who_leaves_leads_to_the_offer(database, community) -> None:
    """Bob is erased: Ann hears that he left, with the link to ask for someone else, and may."""
    settings, round_id, ids = community
    erase_person(database=database, participant_id=ids["Bob"], settings=settings, now=_now(3))
    with database.read_session() as session:
        [notice] = session.exec(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith("partner_left"))
        ).all()
    assert notice.participant_id == ids["Ann"]
    assert "/another-partner?token=" in notice.body
    offer = _ask(database, settings, round_id, ids["Ann"])
    assert offer.state == "waiting" and offer.partners == []


def test_two_asks_at_once_make_one_group(database, community) -> None:
    """Asks racing each other are serialised per round (PostgreSQL: an advisory lock), so the
    second sees the first waiting and they are paired at once, never both left waiting."""
    settings, round_id, ids = community
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def ask(name: str) -> None:
        barrier.wait()
        results[name] = _ask(database, settings, round_id, ids[name]).state

    threads = [threading.Thread(target=ask, args=(name,)) for name in ("Ann", "Cat")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == ["found", "waiting"]
    assert [r.chance for r in _rows(database, round_id, ids["Cat"])] == [1, 2]
    assert [r.chance for r in _rows(database, round_id, ids["Ann"])] == [1, 2]


def test_my_rounds_show_both_groups_with_their_own_links(database, community) -> None:
    settings, round_id, ids = community
    _ask(database, settings, round_id, ids["Ann"])
    _ask(database, settings, round_id, ids["Cat"])
    with database.read_session() as session:
        mine = rounds_of(session=session, participant_id=ids["Ann"])
    assert [(r.number, r.chance, [p.name for p in r.partners]) for r in mine] == [
        (1, 2, ["Cat"]),
        (1, 1, ["Bob"]),
    ]
    context = page_context(
        rounds=mine, participant_id=ids["Ann"], time_zone=None, settings=settings
    )
    secret = settings.secret_key.get_secret_value()
    assert [read_outcome_token(secret, c.token).chance for c in context["current_rounds"]] == [
        2,
        1,
    ]
