"""Fixtures for the network tests: an organiser signed in to the pages, as a browser would be."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlmodel import select

from tests.conftest import LiveServer, free_port, start_server
from tests.support import ORGANISER_TOKEN, hidden_field
from unmentor.app import create_app
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.network.images import NetworkImages
from unmentor.people.models import Organisation, Participant, ParticipantStatus
from unmentor.rounds import outcomes
from unmentor.rounds.forming import form_round
from unmentor.rounds.models import Outcome, Round, RoundMember


@dataclass
class LiveApp(LiveServer):
    app: FastAPI | None = None

    @property
    def images(self) -> NetworkImages:
        """The app's picture cache, whose counters say what was loaded and drawn."""
        return self.app.state.images


@pytest.fixture
def server_overrides() -> dict:
    """Settings a test module wants different on its server (override this fixture)."""
    return {}


@pytest.fixture
def server(make_settings, server_overrides) -> Iterator[LiveApp]:
    """The suite's live server, keeping hold of the app so tests can read its counters."""
    port = free_port()
    settings = make_settings(base_url=f"http://127.0.0.1:{port}", **server_overrides)
    database = Database(settings.database_url)
    app = create_app(settings, database=database)
    uv, thread = start_server(app, port)
    yield LiveApp(url=settings.base_url, settings=settings, database=database, app=app)
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def organiser_pages(server: LiveServer) -> Iterator[Callable[[], httpx.Client]]:
    """Opens HTTP clients signed in to the organiser pages (cookie and CSRF token, by form)."""
    opened: list[httpx.Client] = []

    def open_client() -> httpx.Client:
        http = server.client()
        opened.append(http)
        form = http.get("/organiser")
        signed_in = http.post(
            "/organiser/signin",
            data={"csrf_token": hidden_field(form.text, "csrf_token"), "token": ORGANISER_TOKEN},
        )
        assert signed_in.status_code == 303, signed_in.text
        return http

    yield open_client
    for http in opened:
        http.close()


@dataclass
class History:
    """Writes people and answered, closed rounds into a live server's database."""

    server: LiveServer

    def people(self, sectors: list[str]) -> list[int]:
        """Active participants in four organisations, one per sector given; their ids."""
        now = utcnow()
        with self.server.database.session() as session:
            organisations = []
            for n in range(4):
                org = Organisation(name=f"Org {n}", name_key=f"org {n}", created_at=now)
                session.add(org)
                organisations.append(org)
            session.flush()
            people = []
            for i, sector in enumerate(sectors):
                person = Participant(
                    name=f"Person {i}",
                    email=f"person{i}@example.org",
                    organisation_id=organisations[i % 4].id,
                    sector=sector,
                    status=ParticipantStatus.active,
                    created_at=now,
                    updated_at=now,
                )
                session.add(person)
                people.append(person)
            session.flush()
            return [p.id for p in people]

    def set_status(self, ids: list[int], status: ParticipantStatus) -> None:
        with self.server.database.session() as session:
            session.exec(update(Participant).where(Participant.id.in_(ids)).values(status=status))

    def round(self, month: int, *, not_met_groups: int = 1) -> Round:
        """This month's round, answered (the first groups did not meet, the rest met) and closed."""
        formed = form_round(
            database=self.server.database,
            settings=self.server.settings,
            today=date(2027, month, 2),
            now=utcnow(),
            seed=month,
        )
        with self.server.database.session() as session:
            members = session.exec(
                select(RoundMember).where(RoundMember.round_id == formed.round.id)
            ).all()
            for member in members:
                member.outcome = (
                    Outcome.not_met if member.group_no <= not_met_groups else Outcome.met
                )
                session.add(member)
            outcomes.close_round(
                session=session,
                settings=self.server.settings,
                round_=session.get(Round, formed.round.id),
                now=utcnow(),
            )
        return formed.round


@pytest.fixture
def history(server: LiveServer) -> History:
    """People and rounds for the network tests, on the live server."""
    return History(server)
