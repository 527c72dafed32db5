"""Dependencies of the routes: the database session, settings, the organiser check."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.http.forwarded import client_address as forwarded_client
from unmentor.http.forwarded import trusted_proxies
from unmentor.organisers import actor as actors
from unmentor.organisers import tokens
from unmentor.organisers.actor import SHARED_TOKEN, Actor
from unmentor.settings import Settings
from unmentor.sqltypes import MAX_INT


class NotAuthenticated(Exception):
    """No organiser token was sent (HTTP 401)."""


class Forbidden(Exception):
    """A token was sent but it is not the organiser's (HTTP 403)."""


# The cheap dependencies are `async def` on purpose: FastAPI runs a plain `def` dependency on
# the thread pool, and a request paying a thread hop for each of five lookups of app state
# spent more time hopping than working (issue 9). None of them blocks.


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_database(request: Request) -> Database:
    return request.app.state.database


async def client_address(request: Request) -> str:
    """The address rate limits count against (X-Forwarded-For only from trusted proxies)."""
    peer = request.client.host if request.client else "unknown"
    trusted = trusted_proxies(request.app.state.settings.forwarded_allow_ips)
    return forwarded_client(peer, request.headers.get("x-forwarded-for"), trusted)


_bearer = HTTPBearer(auto_error=False, description="An organiser's named API token (umo_...).")

# Methods that only look: a viewer may use them; every other method changes something.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ViewerOnly(Forbidden):
    """A viewer asked to change something (HTTP 403)."""


def admit(request: Request, actor: Actor) -> Actor:
    """The one role check of every organiser route, API and page alike.

    Viewers may look; any other method needs the organiser role. The actor is then the
    one the audit log names for the rest of the request.
    """
    if request.method not in SAFE_METHODS and not actor.can_act:
        raise ViewerOnly
    request.state.organiser = actor
    actors.set_current(actor)
    return actor


def _token_actor(database: Database, secret: str) -> Actor | None:
    now = utcnow()
    with database.read_session() as session:
        found = tokens.actor_for(session=session, secret=secret)
    if found is None:
        return None
    actor, token_id, last_used = found
    if tokens.due_for_note(last_used, now):
        with database.session() as session:
            tokens.note_use(session=session, token_id=token_id, now=now)
    return actor


async def require_organiser(
    request: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    database: Annotated[Database, Depends(get_database)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """Let the request through with a live named token (or the shared one, in transition)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated
    secret = credentials.credentials
    shared = settings.organiser_token.get_secret_value().encode()
    if hmac.compare_digest(secret.encode(), shared):
        if not settings.organiser_token_signs_in:
            raise Forbidden
        return admit(request, SHARED_TOKEN)
    # `async def` so that the actor is set in the request's own context (a sync route's
    # thread gets a copy); the lookup itself runs on the thread pool, off the event loop.
    actor = await run_in_threadpool(_token_actor, database, secret)
    if actor is None:
        raise Forbidden
    return admit(request, actor)


# An id or number in a URL path, bounded so that no request can overflow an INTEGER column.
PathId = Annotated[int, Path(ge=1, le=MAX_INT)]

# Routes open their session in a `with` block inside the handler rather than through a yield
# dependency: FastAPI runs such a dependency's setup, the handler and its teardown on three
# different threads, and a transaction (SQLite's write lock, a pooled connection) held across
# those hops starved the thread pool under a crowd (issue 9: 500s from 42 requests in flight).
SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
ClientDep = Annotated[str, Depends(client_address)]
OrganiserOnly = Depends(require_organiser)
ActorDep = Annotated[Actor, Depends(require_organiser)]


async def reject_unknown_query_parameters(request: Request) -> None:
    """A misspelt filter (?statu=left) must fail loudly, not silently return everything."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = {param.alias for param in _all_query_params(dependant)}
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise UnknownQueryParameters(unknown)


def _all_query_params(dependant):
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from _all_query_params(sub)


class UnknownQueryParameters(Exception):
    """The request has query parameters the route does not take (HTTP 422)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


StrictQuery = Depends(reject_unknown_query_parameters)
