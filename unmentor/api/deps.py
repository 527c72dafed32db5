"""Dependencies of the routes: the database session, settings, the organiser check."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from unmentor.db import Database
from unmentor.http.forwarded import client_address as forwarded_client
from unmentor.http.forwarded import trusted_proxies
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


_bearer = HTTPBearer(auto_error=False, description="The organiser token from the settings.")


async def require_organiser(
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Let the request through only with the organiser's bearer token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated
    expected = settings.organiser_token.get_secret_value().encode()
    if not hmac.compare_digest(credentials.credentials.encode(), expected):
        raise Forbidden


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
