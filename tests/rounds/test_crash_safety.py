"""Killing the process while a round is formed leaves a complete round or none, never half."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import func, select

from unmentor.clock import utcnow
from unmentor.mail.models import OutboxMessage
from unmentor.people.models import Organisation, Participant, ParticipantStatus
from unmentor.rounds.models import Round, RoundMember, RoundSitOut

PEOPLE = 3000
REPO = Path(__file__).resolve().parents[2]

CHILD = """
import sys
from datetime import date
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.rounds.forming import form_round
from unmentor.settings import load_settings

settings = load_settings(sys.argv[2], database_url=sys.argv[1])
form_round(database=Database(sys.argv[1]), settings=settings, today=date(2026, 11, 3),
           now=utcnow(), seed=1)
print("formed", flush=True)
"""


def _populate(database) -> None:
    now = utcnow()
    with database.session() as session:
        organisations = [Organisation(name=f"Org {i}", name_key=f"org {i}") for i in range(40)]
        session.add_all(organisations)
        session.flush()
        session.add_all(
            Participant(
                name=f"Person {i}",
                email=f"p{i}@example.org",
                organisation_id=organisations[i % 40].id,
                status=ParticipantStatus.active,
                created_at=now,
                updated_at=now,
            )
            for i in range(PEOPLE)
        )


def _state(database) -> tuple[int, int, int, int]:
    with database.read_session() as session:
        count = lambda model: session.exec(select(func.count()).select_from(model)).one()  # noqa: E731
        return count(Round), count(RoundMember), count(RoundSitOut), count(OutboxMessage)


def _run_child(url: str, kill_after: float | None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNMENTOR_")}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(REPO / "config.toml")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if kill_after is None:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()
        return
    time.sleep(kill_after)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)


def test_killed_formation_leaves_a_whole_round_or_none(database, database_url) -> None:
    _populate(database)
    started = time.monotonic()
    _run_child(database_url, None)
    took = time.monotonic() - started
    assert _state(database)[1:] == (PEOPLE, 0, PEOPLE)
    rng = random.Random(2026)
    for _ in range(6):
        with database.session() as session:  # start again from no round
            session.exec(delete(OutboxMessage))
            session.exec(delete(Round))
        _run_child(database_url, rng.uniform(0.05, took * 1.2))
        rounds, members, sat_out, emails = _state(database)
        if rounds == 0:
            assert (members, sat_out, emails) == (0, 0, 0)
        else:
            assert rounds == 1
            assert members + sat_out == PEOPLE
            assert emails == PEOPLE
    # The database must still be usable: a normal run after the kills forms the round.
    with database.session() as session:
        session.exec(delete(OutboxMessage))
        session.exec(delete(Round))
    _run_child(database_url, None)
    assert _state(database) == (1, PEOPLE, 0, PEOPLE)
