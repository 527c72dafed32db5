"""Fixtures for the network tests: an organiser signed in to the pages, as a browser would be."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from conftest import LiveServer
from support import ORGANISER_TOKEN, hidden_field


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
