"""The demo's behaviour model: the features make conversations happen more often, by design."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from unmentor import demo_behaviour as behaviour
from unmentor.db import Database
from unmentor.demo import build_demo
from unmentor.people.models import Participant
from unmentor.rounds.experiments import conversations, experiments
from unmentor.rounds.models import RoundMember
from unmentor.settings import load_settings

TODAY = date(2026, 11, 30)


def test_the_odds_rise_with_each_feature() -> None:
    plain = behaviour.met_probability(behaviour.Circumstances(rhythms=(1, 1)))
    assert plain == behaviour.met_probability(None) == behaviour.BASE_MET
    suits = behaviour.met_probability(behaviour.Circumstances(suits=True, rhythms=(1, 1)))
    picked = behaviour.met_probability(
        behaviour.Circumstances(suits=True, picked=object(), rhythms=(1, 1))
    )
    some = behaviour.met_probability(behaviour.Circumstances(rhythms=(1, 2)))
    slower = behaviour.met_probability(behaviour.Circumstances(rhythms=(2, 3)))
    assert plain < suits < picked
    assert plain < some < slower
    assert (
        behaviour.met_probability(
            behaviour.Circumstances(suits=True, picked=object(), rhythms=(3, 3, 3))
        )
        <= behaviour.MOST_LIKELY
    )


def test_without_the_features_the_answers_keep_the_old_mix() -> None:
    # 65% met, 17% not met, 18% never confirmed, as the demo had before.
    chance = behaviour.met_probability(None)
    assert behaviour.answer_of(0.6499, chance) == "met"
    assert behaviour.answer_of(0.6501, chance) == "not_met"
    assert behaviour.answer_of(0.8199, chance) == "not_met"
    assert behaviour.answer_of(0.8201, chance) == "unconfirmed"


def _build(template: Path, path: Path, *, people: int, rounds: int, features: bool) -> Database:
    shutil.copyfile(template, path)
    database = Database(f"sqlite:///{path}")
    build_demo(
        database=database,
        settings=load_settings(database_url=database.url),
        people=people,
        rounds=rounds,
        seed=2026,
        today=TODAY,
        features=features,
    )
    return database


def test_the_same_seed_gives_the_same_demo_with_the_features(
    sqlite_template: Path, tmp_path: Path
) -> None:
    found = []
    for n in range(2):
        database = _build(sqlite_template, tmp_path / f"{n}.db", people=30, rounds=3, features=True)
        with database.read_session() as session:
            rows = session.exec(
                select(
                    RoundMember.round_id,
                    RoundMember.group_no,
                    RoundMember.participant_id,
                    RoundMember.outcome,
                    RoundMember.meeting_at,
                ).order_by(RoundMember.round_id, RoundMember.participant_id)
            ).all()
        database.dispose()
        found.append(rows)
    assert found[0] == found[1] and found[0]


@pytest.fixture
def demos(sqlite_template: Path, tmp_path: Path) -> dict[bool, Database]:
    """The same small demo (seed 2026) built with and without the features."""
    built = {
        features: _build(
            sqlite_template, tmp_path / f"{features}.db", people=100, rounds=5, features=features
        )
        for features in (True, False)
    }
    yield built
    for database in built.values():
        database.dispose()


def _rate(database: Database) -> float:
    with database.read_session() as session:
        found = conversations(session=session)
    return sum(c.met for c in found) / len(found)


def test_the_features_raise_the_met_rate_of_the_same_community(demos) -> None:
    with demos[False].read_session() as session:
        plain = session.exec(select(Participant.email, Participant.rhythm, Participant.free_times))
        plain = plain.all()
        picks = select(RoundMember).where(RoundMember.meeting_at.is_not(None))
        assert session.exec(picks).all() == []
    with demos[True].read_session() as session:
        rich = session.exec(select(Participant.email, Participant.rhythm, Participant.free_times))
        rich = rich.all()
        figures = {c.key: c for c in experiments(session=session).comparisons}
    assert sorted(e for e, _, _ in plain) == sorted(e for e, _, _ in rich), "the same people"
    assert {r for _, r, _ in plain} == {1} and {t for _, _, t in plain} == {None}
    assert {r for _, r, _ in rich} == {1, 2, 3} and any(t for _, _, t in rich)
    assert _rate(demos[True]) > _rate(demos[False])
    # Inside the demo with the features, the experiments page sees the intended direction.
    picked, not_picked = figures["picked_time"].sides
    assert picked.conversations > 0 and picked.met_rate > not_picked.met_rate
    every_round, slower = figures["rhythm"].sides
    assert slower.conversations > 0 and slower.met_rate > every_round.met_rate
