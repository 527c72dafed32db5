"""Request bodies over the limits are refused with 413, counted as they stream in."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.conftest import LiveServer
from tests.support import ORGANISER_TOKEN, hidden_field
from unmentor.people.models import Participant

BODY_LIMIT = 2048
UPLOAD_LIMIT = 16384


@pytest.fixture
def server_overrides() -> dict:
    return {"max_body_bytes": BODY_LIMIT, "max_upload_bytes": UPLOAD_LIMIT}


def _padded_signup(size: int) -> bytes:
    start = b'{"name": "Ann", "email": "ann@example.org", "organisation": "Acme", "sector": "'
    return start + b"x" * (size - len(start) - 2) + b'"}'


def _chunks(body: bytes, size: int = 500):
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _people(server: LiveServer) -> int:
    with server.database.read_session() as session:
        return session.exec(select(func.count()).select_from(Participant)).one()


def _nobody_signed_up(server: LiveServer) -> bool:
    return _people(server) == 0


def test_a_json_body_over_the_limit_is_refused_in_the_usual_shape(server: LiveServer) -> None:
    with server.client() as http:
        reply = http.post(
            "/api/v1/signups",
            content=_padded_signup(BODY_LIMIT + 1),
            headers={"Content-Type": "application/json"},
        )
    assert reply.status_code == 413
    body = reply.json()
    assert body["errors"] == [] and "too large" in body["detail"]
    assert _nobody_signed_up(server)


def test_a_chunked_body_without_content_length_is_counted(server: LiveServer) -> None:
    with server.client() as http:
        reply = http.post(
            "/api/v1/signups",
            content=_chunks(_padded_signup(BODY_LIMIT * 50)),
            headers={"Content-Type": "application/json"},
        )
        assert reply.request.headers.get("transfer-encoding") == "chunked"
        assert "content-length" not in reply.request.headers
        small = http.post(
            "/api/v1/signups",
            content=_chunks(_padded_signup(BODY_LIMIT - 10)),
            headers={"Content-Type": "application/json"},
        )
    assert reply.status_code == 413 and reply.json()["errors"] == []
    assert small.status_code == 422  # read whole, then refused for the overlong sector


def test_a_form_over_the_limit_gets_a_page(server: LiveServer) -> None:
    with server.client() as http:
        csrf = hidden_field(http.get("/").text, "csrf_token")
        reply = http.post(
            "/signup",
            data={"csrf_token": csrf, "name": "Ann", "email": "ann@example.org",
                  "organisation": "x" * BODY_LIMIT},
        )  # fmt: skip
    assert reply.status_code == 413
    assert "text/html" in reply.headers["content-type"] and "Too large" in reply.text
    assert _nobody_signed_up(server)


def test_uploads_have_their_own_larger_limit(server: LiveServer) -> None:
    header = b"Name,Email,Organisation\n"
    fits = header + b"".join(
        b"Person %d,p%d@example.org,Org %d\n" % (n, n, n % 7) for n in range(200)
    )
    assert BODY_LIMIT < len(fits) < UPLOAD_LIMIT - 1000
    with server.client() as http:
        page = http.get("/organiser")
        http.post(
            "/organiser/signin",
            data={"csrf_token": hidden_field(page.text, "csrf_token"), "token": ORGANISER_TOKEN},
        )
        csrf = hidden_field(http.get("/organiser/import").text, "csrf_token")
        accepted = http.post(
            "/organiser/import",
            data={"csrf_token": csrf},
            files={"file": ("people.csv", fits, "text/csv")},
        )
        refused = http.post(
            "/organiser/import",
            data={"csrf_token": csrf},
            files={"file": ("people.csv", fits * 3, "text/csv")},
        )
    assert accepted.status_code == 200, accepted.text
    assert _people(server) == 200
    assert refused.status_code == 413
