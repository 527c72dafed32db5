"""The privacy notice: shown at sign-up and on /me, replaceable, and its version recorded."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import hidden_field, sign_in_by_link
from unmentor.people.models import Participant


@pytest.fixture
def server_overrides(request, tmp_path) -> dict:
    text = getattr(request, "param", None)
    if text is None:
        return {}
    path = tmp_path / "notice.html"
    path.write_text(text)
    return {"privacy_notice_file": str(path)}


def _sign_up(http, email: str) -> str:
    form = http.get("/").text
    version = hidden_field(form, "privacy_notice_version")
    reply = http.post(
        "/signup",
        data={
            "csrf_token": hidden_field(form, "csrf_token"),
            "privacy_notice_version": version,
            "name": "Ann",
            "email": email,
        },
    )
    assert reply.status_code == 303
    return version


def _version_recorded(server: LiveServer, email: str) -> str | None:
    with server.database.read_session() as session:
        return (
            session.exec(select(Participant).where(Participant.email == email))
            .one()
            .privacy_notice_version
        )


def test_sign_up_shows_the_notice_and_records_its_version(server: LiveServer, mailbox) -> None:
    with server.client() as http:
        page = http.get("/").text
        assert 'id="privacy-notice"' in page and "erase it all" in page
        version = _sign_up(http, "ann@example.org")
    assert len(version) == 12 and _version_recorded(server, "ann@example.org") == version
    with server.database.session() as session:
        make_participant(session, email="bo@example.org")
    with server.client() as http:
        sign_in_by_link(server, http, mailbox, "bo@example.org")
        assert 'id="privacy-notice"' in http.get("/me").text


@pytest.mark.parametrize("server_overrides", ["<p id='ours'>Our own words.</p>"], indirect=True)
def test_an_organiser_replaces_the_notice(server: LiveServer) -> None:
    with server.client() as http:
        page = http.get("/").text
        version = _sign_up(http, "cy@example.org")
    assert "Our own words." in page and 'id="privacy-notice"' not in page
    assert _version_recorded(server, "cy@example.org") == version


def test_a_forged_version_is_not_recorded(server: LiveServer) -> None:
    with server.client() as http:
        form = http.get("/").text
        http.post(
            "/signup",
            data={
                "csrf_token": hidden_field(form, "csrf_token"),
                "privacy_notice_version": "<script>",
                "name": "Di",
                "email": "di@example.org",
            },
        )
    assert _version_recorded(server, "di@example.org") is None
