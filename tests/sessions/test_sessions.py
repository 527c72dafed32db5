"""Server-side sign-in sessions over HTTP: what a kept cookie can and cannot open."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import func, select

from scheduler.jobs import Context, tidy_up
from tests.conftest import LiveServer, free_port, start_server
from tests.factories import make_participant
from tests.support import ORGANISER_TOKEN, hidden_field, post_form, sign_in_by_link
from unmentor.app import create_app
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.mail.mailer import Mailer
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.security import hash_token
from unmentor.sessions import service as sessions
from unmentor.sessions.models import SignInSession

ME_ACTIONS = [
    ("/me/pause", {"until": (utcnow() + timedelta(days=30)).date().isoformat()}),
    ("/me/resume", {}),
    ("/me/leave", {}),
    ("/me/erase", {"confirm": "yes"}),
    ("/me/signout-everywhere", {}),
]


def _person(server: LiveServer, participant_id: int) -> Participant | None:
    with server.database.read_session() as session:
        return session.get(Participant, participant_id)


def _session_rows(server: LiveServer) -> int:
    with server.database.read_session() as session:
        return session.exec(select(func.count()).select_from(SignInSession)).one()


def _signed_in(http) -> bool:
    return "Hello," in http.get("/me").text


@pytest.fixture
def ann(server: LiveServer) -> Participant:
    with server.database.session() as session:
        make_participant(session, email="first@example.org", organisation="Acme")
        return make_participant(session, name="Ann Smith", email="ann@example.org")


def test_the_cookie_is_a_random_id_stored_only_as_a_hash(server, mailbox, ann) -> None:
    with server.client() as http:
        sign_in_by_link(server, http, mailbox, "ann@example.org")
        cookie = http.cookies["um_session"]
    assert len(cookie) >= 43 and str(ann.id) not in cookie.split(".")
    with server.database.read_session() as session:
        row = session.exec(select(SignInSession)).one()
    assert row.token_hash == hash_token(cookie) and row.participant_id == ann.id
    expected = row.created_at + timedelta(days=server.settings.session_days)
    assert row.expires_at == expected


def test_an_erased_persons_cookie_opens_nothing_even_for_a_newcomer(server, mailbox, ann) -> None:
    with server.client() as http:
        sign_in_by_link(server, http, mailbox, "ann@example.org")
        kept = http.cookies["um_session"]
        assert post_form(http, "/me/erase", confirm="yes").status_code == 200
    # Ann had the highest id: a newcomer is who a reused id would have gone to.
    with server.client() as newcomer:
        signup = newcomer.post(
            "/api/v1/signups",
            json={"name": "Newt Comer", "email": "newt@example.org", "organisation": "Beta"},
        )
        assert signup.status_code == 202
    with server.database.read_session() as session:
        newt = session.exec(
            select(Participant).where(Participant.email == "newt@example.org")
        ).one()
    assert newt.id > ann.id
    with server.client(cookies={"um_session": kept}) as old:
        page = old.get("/me")
        assert "Email me a link" in page.text and "Newt" not in page.text
        download = old.get("/me/data.json")
        assert download.status_code == 303 and download.headers["location"] == "/me"
        for path, data in ME_ACTIONS:
            old.cookies.set("um_session", kept)
            reply = post_form(old, path, **data)
            assert reply.status_code == 303 and reply.headers["location"] == "/me", path
    after = _person(server, newt.id)
    assert after is not None and after.status == ParticipantStatus.pending


def test_ids_are_never_reused(server) -> None:
    with server.database.session() as session:
        make_participant(session)
        highest = make_participant(session)
    with server.organiser() as api:
        assert api.delete(f"/api/v1/participants/{highest.id}").status_code == 204
        created = api.post(
            "/api/v1/participants",
            json={"name": "Next One", "email": "next@example.org", "organisation": "Gamma"},
        )
    assert created.status_code == 201
    assert created.json()["id"] > highest.id


def test_sign_out_ends_the_session_on_the_server(server, mailbox, ann) -> None:
    with server.client() as http:
        sign_in_by_link(server, http, mailbox, "ann@example.org")
        kept = http.cookies["um_session"]
        assert post_form(http, "/me/signout").status_code == 303
        assert not _signed_in(http)
    with server.client(cookies={"um_session": kept}) as copy:
        assert not _signed_in(copy)
    assert _session_rows(server) == 0


def test_sign_out_everywhere_ends_every_browsers_session(server, mailbox, ann) -> None:
    with server.database.session() as session:
        make_participant(session, name="Bo Other", email="bo@example.org", organisation="Beta")
    with server.client() as laptop, server.client() as phone, server.client() as bo:
        sign_in_by_link(server, laptop, mailbox, "ann@example.org")
        sign_in_by_link(server, phone, mailbox, "ann@example.org")
        sign_in_by_link(server, bo, mailbox, "bo@example.org")
        assert _signed_in(laptop) and _signed_in(phone)
        page = phone.get("/me")
        assert "Sign me out everywhere" in page.text
        forged = phone.post("/me/signout-everywhere", data={"csrf_token": "forged"})
        assert forged.status_code == 403 and _signed_in(laptop)
        reply = phone.post(
            "/me/signout-everywhere", data={"csrf_token": hidden_field(page.text, "csrf_token")}
        )
        assert reply.status_code == 303
        assert not _signed_in(phone)
        assert not _signed_in(laptop)
        assert _signed_in(bo), "someone else's session is not touched"


def test_leaving_ends_the_sessions_of_other_browsers(server, mailbox, ann) -> None:
    with server.client() as laptop, server.client() as phone:
        sign_in_by_link(server, laptop, mailbox, "ann@example.org")
        sign_in_by_link(server, phone, mailbox, "ann@example.org")
        assert post_form(phone, "/me/leave").status_code == 303
        assert "You have left" in phone.get("/me").text
        assert not _signed_in(laptop)


def test_expired_sessions_are_purged_by_tidy_up(server, ann) -> None:
    now = utcnow()
    with server.database.session() as session:
        old = sessions.open_for_participant(
            session=session,
            participant_id=ann.id,
            settings=server.settings,
            now=now - timedelta(days=server.settings.session_days + 1),
        )
        live = sessions.open_for_participant(
            session=session, participant_id=ann.id, settings=server.settings, now=now
        )
    with server.client(cookies={"um_session": old}) as http:
        assert not _signed_in(http)
    context = Context(
        database=server.database,
        mailer=Mailer(database=server.database, settings=server.settings),
        settings=server.settings,
    )
    assert "1 ended sessions" in tidy_up(context)
    with server.database.read_session() as session:
        left = session.exec(select(SignInSession.token_hash)).all()
    assert left == [hash_token(live)]


def _organiser_sign_in(http) -> None:
    page = http.get("/organiser")
    reply = http.post(
        "/organiser/signin",
        data={"csrf_token": hidden_field(page.text, "csrf_token"), "token": ORGANISER_TOKEN},
    )
    assert reply.status_code == 303


def test_organiser_sessions_are_server_side_and_end_on_sign_out(server) -> None:
    with server.client() as http:
        _organiser_sign_in(http)
        kept = http.cookies["um_organiser"]
        assert http.get("/organiser/dashboard").status_code == 200
        page = http.get("/organiser/dashboard")
        out = http.post(
            "/organiser/signout", data={"csrf_token": hidden_field(page.text, "csrf_token")}
        )
        assert out.status_code == 303
    with server.client(cookies={"um_organiser": kept}) as copy:
        reply = copy.get("/organiser/dashboard")
    assert reply.status_code == 303 and reply.headers["location"] == "/organiser"


def test_a_new_organiser_token_ends_organiser_sessions(server, make_settings) -> None:
    with server.client() as http:
        _organiser_sign_in(http)
        kept = http.cookies["um_organiser"]
        assert http.get("/organiser/dashboard").status_code == 200
    # The same database served with a changed token, as after a redeploy.
    port = free_port()
    settings = make_settings(
        base_url=f"http://127.0.0.1:{port}", organiser_token="a-brand-new-organiser-token-42"
    )
    database = Database(settings.database_url)
    uv, thread = start_server(create_app(settings, database=database), port)
    try:
        with httpx.Client(base_url=settings.base_url, cookies={"um_organiser": kept}) as copy:
            reply = copy.get("/organiser/dashboard")
        assert reply.status_code == 303 and reply.headers["location"] == "/organiser"
        context = Context(
            database=database,
            mailer=Mailer(database=database, settings=settings),
            settings=settings,
        )
        assert "1 ended sessions" in tidy_up(context)
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        database.dispose()
