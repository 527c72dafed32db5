"""Self-service pages over HTTP: sign in by link, pause, resume, leave, download, erase."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import func, select

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import hidden_field, link_in, press_button
from unmentor.clock import utcnow
from unmentor.links.models import LinkToken
from unmentor.mail.models import OutboxMessage
from unmentor.people.models import Organisation, Participant, ParticipantStatus


def _status(server: LiveServer, participant_id: int) -> Participant | None:
    with server.database.read_session() as session:
        return session.get(Participant, participant_id)


def sign_in(server: LiveServer, mailbox, http: httpx.Client, email: str) -> None:
    """Ask for a link on the page, then use it, as a participant would."""
    page = http.get("/me")
    asked = http.post(
        "/me/link", data={"csrf_token": hidden_field(page.text, "csrf_token"), "email": email}
    )
    assert asked.status_code == 200 and "Check your email" in asked.text
    link = link_in(mailbox.wait_for(email)[-1], "/me/login")
    assert press_button(http, link, "/me/login").status_code == 303


@pytest.fixture
def ann(server: LiveServer) -> Participant:
    with server.database.session() as session:
        return make_participant(session, name="Ann Smith", email="ann@example.org")


def _post(http: httpx.Client, path: str, **data) -> httpx.Response:
    csrf = hidden_field(http.get("/me").text, "csrf_token")
    return http.post(path, data={"csrf_token": csrf, **data})


def test_sign_in_by_link_shows_my_details(server, mailbox, ann) -> None:
    with server.client() as http:
        assert "Email me a link" in http.get("/me").text
        sign_in(server, mailbox, http, "ann@example.org")
        page = http.get("/me")
    assert "Hello, Ann Smith" in page.text
    assert "Devon County Council" in page.text
    assert "Taking part in the next round" in page.text


def test_link_requests_for_unknown_addresses_look_the_same(server, mailbox, ann) -> None:
    with server.client() as http:
        csrf = hidden_field(http.get("/me").text, "csrf_token")
        known = http.post("/me/link", data={"csrf_token": csrf, "email": "ann@example.org"})
        unknown = http.post("/me/link", data={"csrf_token": csrf, "email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    mailbox.wait_for("ann@example.org")
    assert mailbox.to("nobody@example.org") == []


def test_a_sign_in_link_works_once(server, mailbox, ann) -> None:
    with server.client() as http:
        csrf = hidden_field(http.get("/me").text, "csrf_token")
        http.post("/me/link", data={"csrf_token": csrf, "email": "ann@example.org"})
        link = link_in(mailbox.wait_for("ann@example.org")[0], "/me/login")
        assert press_button(http, link, "/me/login").status_code == 303
    with server.client() as stranger:
        assert stranger.get(link).status_code == 400


def test_pause_resume_leave_and_come_back(server, mailbox, ann) -> None:
    until = (utcnow() + timedelta(days=30)).date()
    with server.client() as http:
        sign_in(server, mailbox, http, "ann@example.org")
        assert _post(http, "/me/pause", until=until.isoformat()).status_code == 303
        paused = _status(server, ann.id)
        assert paused.status == ParticipantStatus.paused and paused.paused_until == until
        assert "Paused until" in http.get("/me").text
        assert _post(http, "/me/resume").status_code == 303
        assert _status(server, ann.id).status == ParticipantStatus.active
        assert _post(http, "/me/leave").status_code == 303
        assert _status(server, ann.id).status == ParticipantStatus.left
        assert "You have left" in http.get("/me").text
        assert _post(http, "/me/resume").status_code == 303
    assert _status(server, ann.id).status == ParticipantStatus.active


@pytest.mark.parametrize(
    ("until", "message"),
    [
        (lambda today: today, "Choose a date after today."),
        (lambda today: today - timedelta(days=3), "Choose a date after today."),
        (lambda today: today + timedelta(days=400), "at most 366 days"),
        (lambda today: "next tuesday", "valid date"),
    ],
)
def test_bad_pause_dates_are_refused_and_change_nothing(server, mailbox, ann, until, message):
    value = until(utcnow().date())
    with server.client() as http:
        sign_in(server, mailbox, http, "ann@example.org")
        reply = _post(http, "/me/pause", until=str(value))
    assert reply.status_code == 422
    assert message in reply.text
    assert _status(server, ann.id).status == ParticipantStatus.active


def test_download_my_data(server, mailbox, ann) -> None:
    with server.client() as http:
        sign_in(server, mailbox, http, "ann@example.org")
        reply = http.get("/me/data.json")
    assert reply.status_code == 200
    assert "attachment" in reply.headers["content-disposition"]
    data = reply.json()
    assert data["participant"]["email"] == "ann@example.org"
    assert data["participant"]["organisation"] == "Devon County Council"
    [email] = data["emails"]
    assert email["kind"] == "login"
    # The text is kept only until the relay has sent it.
    assert email["subject"] in ("Your UnMentor link", None)
    assert (email["subject"] is None) == (email["sent_at"] is not None)


def test_erase_needs_confirmation_then_removes_every_row(server, mailbox, ann) -> None:
    with server.client() as http:
        sign_in(server, mailbox, http, "ann@example.org")
        unconfirmed = _post(http, "/me/erase")
        assert unconfirmed.status_code == 422
        assert _status(server, ann.id) is not None
        erased = _post(http, "/me/erase", confirm="yes")
        after = http.get("/me")
        download = http.get("/me/data.json")
    assert erased.status_code == 200 and "erased" in erased.text
    assert "Email me a link" in after.text
    assert download.status_code == 303 and download.headers["location"] == "/me"
    with server.database.read_session() as session:
        assert session.get(Participant, ann.id) is None
        for model, column in ((LinkToken, LinkToken.participant_id),
                              (OutboxMessage, OutboxMessage.participant_id)):  # fmt: skip
            assert (
                session.exec(select(func.count()).select_from(model).where(column == ann.id)).one()
                == 0
            )
        assert session.exec(select(func.count()).select_from(Organisation)).one() == 0
        assert "ann@example.org" not in str(session.exec(select(OutboxMessage.to_address)).all())


def test_forms_without_a_csrf_token_are_refused(server, mailbox, ann) -> None:
    with server.client() as http:
        sign_in(server, mailbox, http, "ann@example.org")
        missing = http.post("/me/leave")
        forged = http.post("/me/leave", data={"csrf_token": "forged"})
        signup = http.post(
            "/signup", data={"name": "X", "email": "x@example.org", "organisation": "Y"}
        )
    assert missing.status_code == forged.status_code == signup.status_code == 403
    assert "Reload the page" in missing.text
    assert _status(server, ann.id).status == ParticipantStatus.active


def test_a_token_for_one_browser_does_not_work_in_another(server, mailbox, ann) -> None:
    with server.client() as mine:
        sign_in(server, mailbox, mine, "ann@example.org")
        my_csrf = hidden_field(mine.get("/me").text, "csrf_token")
        session_cookie = mine.cookies["um_session"]
    with server.client(cookies={"um_session": session_cookie}) as attacker:
        attacker.get("/me")  # gets its own CSRF cookie
        reply = attacker.post("/me/leave", data={"csrf_token": my_csrf})
    assert reply.status_code == 403
    assert _status(server, ann.id).status == ParticipantStatus.active


def test_actions_without_signing_in_go_to_the_sign_in_page(server, ann) -> None:
    with server.client() as http:
        csrf = hidden_field(http.get("/me").text, "csrf_token")
        reply = http.post("/me/leave", data={"csrf_token": csrf})
        http.cookies.set("um_session", f"{ann.id}.9999999999.forged-signature")
        forged = http.post("/me/leave", data={"csrf_token": csrf})
    assert reply.status_code == forged.status_code == 303
    assert reply.headers["location"] == "/me"
    assert _status(server, ann.id).status == ParticipantStatus.active


def test_no_get_changes_anything(server, mailbox, ann) -> None:
    """Fetch every page and link a participant could see; the database stays the same."""
    with server.database.session() as session:
        pending = make_participant(session, email="pending@example.org", status="pending")
    with server.client() as http:
        csrf = hidden_field(http.get("/me").text, "csrf_token")
        http.post("/me/link", data={"csrf_token": csrf, "email": "ann@example.org"})
        http.post("/me/link", data={"csrf_token": csrf, "email": "pending@example.org"})
        login = link_in(mailbox.wait_for("ann@example.org")[0], "/me/login")
        verify = link_in(mailbox.wait_for("pending@example.org")[0], "/verify")
        before = _snapshot(server)
        for path in ["/", "/me", "/signup/sent", login, login, verify, verify, "/me/data.json"]:
            assert http.get(path).status_code < 500
        for method in ("/me/leave", "/me/erase", "/me/pause", "/verify", "/me/login"):
            assert http.get(method).status_code in (200, 400, 404, 405, 422)
    assert _snapshot(server) == before
    assert _status(server, pending.id).status == ParticipantStatus.pending


def _snapshot(server: LiveServer) -> list:
    with server.database.read_session() as session:
        people = session.exec(
            select(Participant.id, Participant.status, Participant.paused_until)
        ).all()
        used = session.exec(select(LinkToken.id, LinkToken.used_at)).all()
    return [sorted(people), sorted(used)]
