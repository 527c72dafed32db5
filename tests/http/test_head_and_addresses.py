"""HEAD works wherever GET does; a mistyped picture address is "not found"; a favicon exists."""

from __future__ import annotations

import pytest

from tests.conftest import LiveServer
from tests.factories import make_community
from unmentor.clock import utcnow
from unmentor.rounds import forming


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def _publish_a_round(server: LiveServer) -> None:
    with server.database.session() as session:
        make_community(session, {"A": 5, "B": 5, "C": 2})
    now = utcnow()
    forming.form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now
    )


def test_head_has_the_headers_of_get_and_no_body(server: LiveServer) -> None:
    _publish_a_round(server)
    with server.client() as http:
        for path in ("/", "/public/", "/public/network.png", "/public/rounds/1/network.svg"):
            got, head = http.get(path), http.head(path)
            assert got.status_code == head.status_code == 200, path
            assert head.content == b"", path
            for name in ("content-type", "etag", "content-security-policy"):
                assert head.headers.get(name) == got.headers.get(name), (path, name)
        assert http.head("/no-such-page").status_code == 404
        refused = http.delete("/public/network.png")
        assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD"
        # Routes inside included routers count too (an empty Allow here before).
        api = http.delete("/api/v1/rounds")
        assert api.status_code == 405 and api.headers["allow"] == "GET, HEAD, POST"


@pytest.mark.parametrize("number", ["0", "99", "abc", "-1"])
def test_a_picture_of_no_published_round_is_not_found(server: LiveServer, number: str) -> None:
    _publish_a_round(server)
    with server.client() as http:
        reply = http.get(f"/public/rounds/{number}/network.svg")
    assert reply.status_code == 404
    assert "path" not in reply.text and "Input should" not in reply.text


def test_pages_have_a_favicon_and_titles_say_the_name_once(server: LiveServer) -> None:
    with server.client() as http:
        page = http.get("/me")
        assert 'rel="icon" href="/static/favicon.svg"' in page.text
        assert page.text.count("UnMentor</title>") == 1
        assert "UnMentor · UnMentor" not in page.text
        assert http.get("/static/favicon.svg").status_code == 200
        icon = http.get("/favicon.ico", follow_redirects=False)
        assert icon.status_code == 301 and icon.headers["location"] == "/static/favicon.svg"
