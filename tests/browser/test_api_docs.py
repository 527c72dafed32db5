"""The API documentation renders in a browser that can reach nothing but the service."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_docs_render_offline(page, server: LiveServer) -> None:
    ours = urlsplit(server.url).netloc
    elsewhere: list[str] = []

    def only_ours(route) -> None:
        if urlsplit(route.request.url).netloc in (ours, ""):
            route.continue_()
        else:  # as on a network with no way out: a CDN fetch fails
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    page.goto(server.url + "/docs")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/v1/signups']", timeout=15_000)
    assert page.locator(".opblock").count() > 20
    assert elsewhere == []
