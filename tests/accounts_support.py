"""Organiser accounts for tests: a named organiser or viewer with a token or a browser session."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from tests.conftest import LiveServer
from unmentor.clock import utcnow
from unmentor.organisers import service as accounts
from unmentor.organisers import tokens
from unmentor.organisers.models import OrganiserRole
from unmentor.sessions import service as sessions
from unmentor.web.signin import ORGANISER_COOKIE


@dataclass
class Account:
    id: int
    name: str
    email: str
    token: str  # a named API token


def make_account(
    server: LiveServer, name: str, email: str, role: OrganiserRole = OrganiserRole.organiser
) -> Account:
    """An organiser with one API token, made as the CLI would (no actor: not audited)."""
    with server.database.session() as session:
        added = accounts.add(
            session=session,
            name=name,
            email=email,
            role=role,
            settings=server.settings,
            now=utcnow(),
        )
        made = tokens.create(session=session, organiser_id=added.id, name="tests", now=utcnow())
        return Account(id=added.id, name=name, email=added.email, token=made.secret)


def api(server: LiveServer, account: Account) -> httpx.Client:
    return server.client(headers={"Authorization": f"Bearer {account.token}"})


def browser(server: LiveServer, account: Account) -> httpx.Client:
    """An HTTP client holding a live organiser session of `account` (as after a link)."""
    with server.database.session() as session:
        session_id = sessions.open_for_named_organiser(
            session=session, organiser_id=account.id, now=utcnow()
        )
    http = server.client()
    http.cookies.set(ORGANISER_COOKIE, session_id)
    return http
