"""People with a shared past, and a signed-in browser for them, for the never-match tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import httpx
from sqlmodel import select

from tests.factories import make_participant
from unmentor.blocking.models import BlockedPair
from unmentor.clock import utcnow
from unmentor.people.models import Participant
from unmentor.rounds.forming import form_round
from unmentor.sessions import service as sessions
from unmentor.web.signin import SESSION_COOKIE

OCTOBER = date(2026, 10, 5)


@dataclass
class Cast:
    ann: Participant  # met Bob in October
    bob: Participant
    cy: Participant  # never met Ann
    dee: Participant


def cast_with_a_past(database, settings) -> Cast:
    """Ann and Bob formed October's round together; Cy and Dee joined after it."""
    with database.session() as session:
        ann = make_participant(session, name="Ann Asker", email="ann@example.org", organisation="A")
        bob = make_participant(session, name="Bob Other", email="bob@example.org", organisation="B")
    formed = form_round(database=database, settings=settings, today=OCTOBER, now=utcnow(), seed=1)
    assert formed.placed == 2
    with database.session() as session:
        cy = make_participant(session, name="Cy Third", email="cy@example.org", organisation="C")
        dee = make_participant(
            session, name="Dee Fourth", email="dee@example.org", organisation="D"
        )
    return Cast(ann, bob, cy, dee)


def signed_in(server, participant: Participant) -> httpx.Client:
    """A client carrying a fresh sign-in session for the participant (as after a link)."""
    with server.database.session() as session:
        token = sessions.open_for_participant(
            session=session, participant_id=participant.id, settings=server.settings, now=utcnow()
        )
    http = server.client()
    http.cookies.set(SESSION_COOKIE, token)
    return http


def rows(database) -> list[BlockedPair]:
    with database.read_session() as session:
        return list(session.exec(select(BlockedPair).order_by(BlockedPair.id)).all())
