"""Viewers see every organiser page and endpoint but change nothing, whatever the route.

The routes are read from the app itself, so a route added later behind the organiser guard
(`require_organiser` or `require_organiser_page`) is covered without touching this test.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from tests.accounts_support import api, browser, make_account
from tests.conftest import LiveServer
from tests.support import hidden_field
from unmentor.api.deps import SAFE_METHODS, require_organiser
from unmentor.app import create_app
from unmentor.organisers.models import OrganiserRole
from unmentor.web.organiser import require_organiser_page

GUARDS = {require_organiser: "api", require_organiser_page: "page"}


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def _guard(dependant) -> str | None:
    if dependant.call in GUARDS:
        return GUARDS[dependant.call]
    for sub in dependant.dependencies:
        found = _guard(sub)
        if found:
            return found
    return None


def _api_routes(routes):
    for route in routes:
        # FastAPI 0.16x keeps an included router whole (its routes are read through it).
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _api_routes(included.routes)
        elif isinstance(route, APIRoute):
            yield route


def guarded_changes(app) -> list[tuple[str, str, str]]:
    """(kind, method, path) of every route that changes something behind the organiser guard."""
    found = []
    for route in _api_routes(app.routes):
        kind = _guard(route.dependant)
        for method in sorted(route.methods - SAFE_METHODS):
            if kind:
                found.append((kind, method, re.sub(r"\{[^}]+\}", "1", route.path)))
    return found


def test_a_viewer_gets_403_on_every_organiser_change(server: LiveServer) -> None:
    make_account(server, "Olga", "olga@example.org")
    viewer = make_account(server, "Vic", "vic@example.org", OrganiserRole.viewer)
    routes = guarded_changes(create_app(server.settings, database=server.database))
    kinds = {kind for kind, _, _ in routes}
    assert kinds == {"api", "page"} and len(routes) >= 25, routes
    with api(server, viewer) as viewer_api, browser(server, viewer) as viewer_page:
        assert viewer_api.get("/api/v1/rounds").status_code == 200, "viewers may look"
        looked = viewer_page.get("/organiser/organisers")
        assert looked.status_code == 200 and 'id="invite"' not in looked.text
        csrf = hidden_field(looked.text, "csrf_token")
        for kind, method, path in routes:
            if kind == "api":
                answer = viewer_api.request(method, path, json={})
                assert answer.status_code == 403, (method, path, answer.text)
                assert "Viewers" in answer.json()["detail"], (method, path)
            else:
                answer = viewer_page.request(method, path, data={"csrf_token": csrf})
                assert answer.status_code == 403, (method, path, answer.text)
                assert "Viewers" in answer.text, (method, path)


def test_an_organiser_is_let_through_where_a_viewer_is_not(server: LiveServer) -> None:
    olga = make_account(server, "Olga", "olga@example.org")
    with api(server, olga) as olga_api:
        made = olga_api.post("/api/v1/organisers", json={"name": "Vi", "email": "vi@example.org"})
        assert made.status_code == 201
        assert olga_api.post("/api/v1/tokens", json={"name": "cron"}).status_code == 201
