"""The organiser page for never-match lists: add a pair by emails, see it, remove it."""

from __future__ import annotations

import pytest

from tests.blocking_support import cast_with_a_past, rows
from tests.conftest import LiveServer
from tests.support import ORGANISER_TOKEN, hidden_field


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_add_and_remove_a_pair_on_the_page(server: LiveServer) -> None:
    cast = cast_with_a_past(server.database, server.settings)
    with server.client() as http:
        form = http.get("/organiser")
        csrf = hidden_field(form.text, "csrf_token")
        assert (
            http.post(
                "/organiser/signin", data={"csrf_token": csrf, "token": ORGANISER_TOKEN}
            ).status_code
            == 303
        )
        empty = http.get("/organiser/blocked")
        assert empty.status_code == 200 and 'id="no-blocked"' in empty.text
        refused = http.post(
            "/organiser/blocked",
            data={"csrf_token": csrf, "asker": "ann@example.org", "other": "nobody@example.org"},
        )
        assert refused.status_code == 422 and "No participant has the address" in refused.text
        added = http.post(
            "/organiser/blocked",
            data={"csrf_token": csrf, "asker": "ANN@example.org", "other": "cy@example.org"},
        )
        assert added.status_code == 303
        page = http.get("/organiser/blocked").text
        assert "Ann Asker" in page and "Cy Third" in page and ">organiser<" in page
        (pair,) = rows(server.database)
        assert (pair.participant_id, pair.other_id) == (cast.ann.id, cast.cy.id)
        removed = http.post(
            "/organiser/blocked/remove", data={"csrf_token": csrf, "pair_id": str(pair.id)}
        )
        assert removed.status_code == 303 and rows(server.database) == []
    with server.client() as stranger:
        assert stranger.get("/organiser/blocked").headers["location"] == "/organiser"
