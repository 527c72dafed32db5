"""Comparing met rates between groups of conversations, against figures worked out by hand."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.conftest import ORGANISER_TOKEN, LiveServer
from tests.factories import make_participant
from tests.support import hidden_field
from unmentor.clock import utcnow
from unmentor.rounds.experiments import Conversation, compare, two_proportion_test, wilson
from unmentor.rounds.models import Outcome, Round, RoundMember


def test_wilson_interval_matches_the_textbook() -> None:
    # 8/10: centre (0.8 + 1.96²/20) / (1 + 1.96²/10) = 0.7167, half-width 0.2266.
    assert wilson(8, 10) == pytest.approx((0.4902, 0.9433), abs=1e-4)
    # 0/10: the upper end is (1.96²/10) / (1 + 1.96²/10) = 0.2775, not 0 as p ± 1.96·se says.
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)


def test_two_proportion_test_matches_the_hand_figures() -> None:
    # 40/50 vs 25/50: pooled 0.65, se = sqrt(0.65·0.35·(2/50)) = 0.09539, z = 0.3/0.09539.
    z, p = two_proportion_test(40, 50, 25, 50)
    assert z == pytest.approx(3.1449, abs=1e-4)
    assert p == pytest.approx(0.00166, abs=2e-5)
    # 9/15 vs 10/15: pooled 19/30, se = 0.17596, z = -0.0667/0.17596 = -0.3789, p = 0.705.
    z, p = two_proportion_test(9, 15, 10, 15)
    assert z == pytest.approx(-0.3789, abs=1e-4)
    assert p == pytest.approx(0.7048, abs=1e-3)
    assert two_proportion_test(5, 5, 7, 7) == (0.0, 1.0)


def test_a_clear_difference_is_called_bigger_than_chance() -> None:
    def talk(side: int, met: bool) -> Conversation:
        return Conversation(1, met, [side], ["Health"], 0, 1)

    items = [talk(1, n < 40) for n in range(50)] + [talk(2, n < 25) for n in range(50)]
    found = compare("x", "X", items, ("A", lambda c: c.rhythms == [1]), ("B", lambda c: True))
    assert found.bigger_than_chance is True and found.z == pytest.approx(3.1449, abs=1e-4)
    assert found.sentence == (
        "A met 80% of 50; B met 50% of 50: a difference of 30 points, bigger than chance "
        "would usually give (two-proportion z-test, p = 0.002)."
    )


def _round(session: Session, number: int, period: str, pairs: list[tuple[object, object, bool]]):
    round_ = Round(
        number=number,
        period=period,
        starts_on=utcnow().date(),
        reminder_on=utcnow().date(),
        closes_on=utcnow().date(),
        seed=0,
        closed_at=utcnow(),
    )
    session.add(round_)
    session.flush()
    for group_no, (a, b, met) in enumerate(pairs, start=1):
        # One member answers; the other stays silent (unconfirmed), as often happens.
        session.add(
            RoundMember(
                round_id=round_.id,
                group_no=group_no,
                participant_id=a.id,
                outcome=Outcome.met if met else Outcome.not_met,
            )
        )
        session.add(
            RoundMember(
                round_id=round_.id,
                group_no=group_no,
                participant_id=b.id,
                outcome=Outcome.unconfirmed,
            )
        )
    session.flush()


@pytest.fixture
def history(server: LiveServer) -> None:
    """Rounds in January, February and April: 30 conversations with known outcomes.

    Round 1: 10 pairs of first-timers, 8 met.       (gap: none, left out of the cadence)
    Round 2: the same 20 people re-paired, 5 met.    (gap: 1 month)
    Round 3: 5 regular pairs, all met; 5 pairs of newcomers, 1 met.   (gap: 2 months)
    Picked a time: round 1's 8 groups that met, round 2's 5 that did not, round 3's regulars.
    """
    with server.database.session() as session:
        old = [make_participant(session, organisation=f"Old {n}") for n in range(20)]
        new = [make_participant(session, organisation=f"New {n}", sector=None) for n in range(10)]
        old[0].rhythm = 2
        session.add(old[0])
        _round(session, 1, "2026-01", [(old[i], old[i + 1], i < 16) for i in range(0, 20, 2)])
        _round(
            session, 2, "2026-02", [(old[i], old[(i + 3) % 20], i < 10) for i in range(0, 20, 2)]
        )
        regulars = [(old[i], old[i + 5], True) for i in range(0, 10, 2)]
        newcomers = [(new[i], new[i + 1], i == 0) for i in range(0, 10, 2)]
        _round(session, 3, "2026-04", regulars + newcomers)
        picked = {1: range(1, 9), 2: range(6, 11), 3: range(1, 6)}
        for member in session.exec(select(RoundMember).join(Round)).all():
            number = session.get(Round, member.round_id).number
            if member.group_no in picked[number]:
                member.meeting_at = utcnow()
                session.add(member)


def test_experiments_by_api_and_page(server: LiveServer, history) -> None:
    with server.organiser() as http:
        found = http.get("/api/v1/stats/experiments").json()
    assert found["conversations"] == 30
    by_key = {c["key"]: c for c in found["comparisons"]}

    cadence = by_key["cadence"]
    assert [(s["conversations"], s["met"]) for s in cadence["sides"]] == [(10, 5), (10, 6)]
    assert cadence["left_out"] == 10  # the first round has no round before it
    # 6 met and 4 not met after two months: fewer than 5 of each, so no verdict.
    assert cadence["bigger_than_chance"] is None and "Too few" in cadence["sentence"]

    firsts = by_key["first_timers"]
    assert [(s["conversations"], s["met"]) for s in firsts["sides"]] == [(15, 9), (15, 10)]
    assert firsts["z"] == pytest.approx(-0.3789, abs=1e-4)
    assert firsts["p_value"] == pytest.approx(0.7048, abs=1e-3)
    assert firsts["bigger_than_chance"] is False
    assert "which chance alone could give" in firsts["sentence"]
    # 9/15: Wilson (0.3575, 0.8018).
    assert (firsts["sides"][0]["low"], firsts["sides"][0]["high"]) == pytest.approx(
        (0.3575, 0.8018), abs=1e-4
    )

    rhythm = by_key["rhythm"]
    # old[0] (every second round) was in one group of each round, all three met; 19 met in all.
    assert [(s["conversations"], s["met"]) for s in rhythm["sides"]] == [(27, 16), (3, 3)]

    sector = by_key["sector"]
    # Everyone old shares the default sector; newcomers have none, so their 5 groups drop out.
    assert [(s["conversations"], s["met"]) for s in sector["sides"]] == [(25, 18), (0, 0)]
    assert sector["left_out"] == 5

    times = by_key["picked_time"]
    # Picked: 8 + 0 + 5 met of 8 + 5 + 5 = 13/18; not: 0 + 5 + 1 of 2 + 5 + 5 = 6/12.
    assert [(s["conversations"], s["met"]) for s in times["sides"]] == [(18, 13), (12, 6)]
    assert times["left_out"] == 0
    # pooled 19/30, se = sqrt(19/30 · 11/30 · (1/18 + 1/12)) = 0.17959, z = (13/18 - 1/2)/se.
    assert times["z"] == pytest.approx(1.2374, abs=1e-4)
    assert times["p_value"] == pytest.approx(0.2159, abs=1e-3)
    assert times["bigger_than_chance"] is False
    # 13/18: centre (0.7222 + 1.96²/36) / (1 + 1.96²/18) = 0.6831, half-width 0.1919.
    assert (times["sides"][0]["low"], times["sides"][0]["high"]) == pytest.approx(
        (0.4913, 0.8750), abs=1e-4
    )
    assert times["sentence"].startswith("Picked a suggested time met 72% of 18; No time")

    with server.client() as http:
        form = http.get("/organiser")
        http.post(
            "/organiser/signin",
            data={"csrf_token": hidden_field(form.text, "csrf_token"), "token": ORGANISER_TOKEN},
        )
        page = http.get("/organiser/experiments")
    assert page.status_code == 200
    assert firsts["sentence"].replace("'", "&#39;") in page.text
    assert "36\u201380%" in page.text  # 9/15's interval, as whole percentages
    assert 'id="experiment-picked_time"' in page.text and "49\u201388%" in page.text


def test_experiments_are_computed_once_per_data_version(server: LiveServer, history) -> None:
    """The page and the API share one computation until an answer (any data) changes."""
    cache = server.app.state.images.cache
    before = cache.builds
    with server.organiser() as http:
        first = http.get("/api/v1/stats/experiments").json()
        assert cache.builds == before + 1, "computed once, into the cache"
        assert http.get("/api/v1/stats/experiments").json() == first
        assert cache.builds == before + 1, "then served from it"
        with server.database.session() as session:
            silent = session.exec(
                select(RoundMember).where(RoundMember.outcome == Outcome.not_met)
            ).first()
            silent.outcome = Outcome.met
            session.add(silent)
        after = http.get("/api/v1/stats/experiments").json()
    assert after["comparisons"] != first["comparisons"], "a changed answer is counted at once"
    met = lambda found: sum(s["met"] for s in found["comparisons"][0]["sides"])  # noqa: E731
    assert met(after) == met(first) + 1


def test_experiments_need_the_organiser(server: LiveServer) -> None:
    with server.client() as http:
        assert http.get("/api/v1/stats/experiments").status_code == 401
        assert http.get("/organiser/experiments", follow_redirects=False).status_code != 200
