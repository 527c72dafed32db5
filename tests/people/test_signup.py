"""Sign-up over HTTP: no enumeration, verification by email, and bad input refused cleanly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import func, select

from tests.conftest import LiveServer
from tests.support import hidden_field, link_in, press_button, token_of
from unmentor.clock import utcnow
from unmentor.links import service as links
from unmentor.links.models import LinkPurpose
from unmentor.people.models import Organisation, Participant, ParticipantStatus

ANN = {
    "name": "Ann Smith",
    "email": "Ann.Smith@Example.org",
    "organisation": "Devon County Council",
}


def _participants(server: LiveServer) -> list[Participant]:
    with server.database.read_session() as session:
        return list(session.exec(select(Participant)).all())


def _count(server: LiveServer, model) -> int:
    with server.database.read_session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_signup_is_accepted_and_sends_a_verification_link(server: LiveServer, mailbox) -> None:
    with server.client() as http:
        reply = http.post("/api/v1/signups", json=ANN)
    assert reply.status_code == 202
    [person] = _participants(server)
    assert person.email == "ann.smith@example.org"
    assert person.status == ParticipantStatus.pending
    [message] = mailbox.wait_for("ann.smith@example.org")
    assert "confirm" in message["Subject"].lower()
    assert link_in(message, "/verify?token=").startswith(server.url)


def test_known_and_unknown_emails_get_the_same_reply(server: LiveServer, mailbox) -> None:
    with server.client() as http:
        first = http.post("/api/v1/signups", json=ANN)
        again = http.post("/api/v1/signups", json={**ANN, "name": "Someone Else"})
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert len(_participants(server)) == 1
    assert _participants(server)[0].name == "Ann Smith", "a repeat must not change details"
    mailbox.wait_for("ann.smith@example.org", count=2)


def test_a_member_signing_up_again_gets_a_sign_in_link_not_a_new_account(
    server: LiveServer, mailbox
) -> None:
    with server.client() as http:
        http.post("/api/v1/signups", json=ANN)
        link = link_in(mailbox.wait_for("ann.smith@example.org")[0], "/verify")
        form = http.get(link)
        assert form.status_code == 200
        confirm_verification(http, link)
        mailbox.wait_for("ann.smith@example.org", count=2)  # the verification and the welcome
        mailbox.clear()
        http.post("/api/v1/signups", json=ANN)
    messages = mailbox.wait_for("ann.smith@example.org")
    assert "already signed up" in messages[0]["Subject"]
    assert "/me/login?token=" in link_in(messages[0], "/me/login")


def confirm_verification(http, link: str):
    return press_button(http, link, "/verify")


def test_opening_the_link_does_not_verify_only_the_button_does(server: LiveServer, mailbox) -> None:
    with server.client() as http:
        http.post("/api/v1/signups", json=ANN)
        link = link_in(mailbox.wait_for("ann.smith@example.org")[0], "/verify")
        for _ in range(3):  # mail scanners prefetch links, sometimes repeatedly
            page = http.get(link)
            assert page.status_code == 200
            assert "Confirm my email" in page.text
        assert _participants(server)[0].status == ParticipantStatus.pending
        done = confirm_verification(http, link)
    assert done.status_code == 303
    assert done.headers["location"].startswith("/me")
    person = _participants(server)[0]
    assert person.status == ParticipantStatus.active
    assert person.joined_on == utcnow().date()


def test_a_verification_link_works_once(server: LiveServer, mailbox) -> None:
    with server.client() as http:
        http.post("/api/v1/signups", json=ANN)
        link = link_in(mailbox.wait_for("ann.smith@example.org")[0], "/verify")
        csrf = hidden_field(http.get(link).text, "csrf_token")
        assert (
            http.post("/verify", data={"csrf_token": csrf, "token": token_of(link)}).status_code
            == 303
        )
        replay = http.post("/verify", data={"csrf_token": csrf, "token": token_of(link)})
        page_again = http.get(link)
    assert replay.status_code == 400
    assert "already been used" in replay.text
    # Opening it again once confirmed: said kindly, with the way to their page.
    assert page_again.status_code == 200
    assert "already confirmed" in page_again.text and 'href="/me"' in page_again.text
    assert "ask for a new one" not in page_again.text


def test_a_used_verification_link_of_someone_who_left_is_not_called_confirmed(
    server: LiveServer, mailbox
) -> None:
    with server.client() as http:
        http.post("/api/v1/signups", json=ANN)
        link = link_in(mailbox.wait_for("ann.smith@example.org")[0], "/verify")
        csrf = hidden_field(http.get(link).text, "csrf_token")
        http.post("/verify", data={"csrf_token": csrf, "token": token_of(link)})
    with server.database.session() as session:
        person = session.exec(select(Participant)).one()
        person.status = ParticipantStatus.left
        session.add(person)
    with server.client() as http:
        page_again = http.get(link)
    assert page_again.status_code == 400 and "already been used" in page_again.text


def test_an_expired_link_is_refused_and_changes_nothing(server: LiveServer, mailbox) -> None:
    with server.client() as http:
        http.post("/api/v1/signups", json=ANN)
        mailbox.wait_for("ann.smith@example.org")
        person = _participants(server)[0]
        with server.database.session() as session:
            stale = links.issue(
                session=session,
                participant_id=person.id,
                purpose=LinkPurpose.verify,
                valid_for=timedelta(hours=1),
                now=utcnow() - timedelta(hours=2),
            )
        page = http.get(f"/verify?token={stale}")
        csrf = http.get("/").text
        posted = http.post(
            "/verify", data={"csrf_token": hidden_field(csrf, "csrf_token"), "token": stale}
        )
    assert page.status_code == 400 and "expired" in page.text
    assert posted.status_code == 400 and "expired" in posted.text
    assert _participants(server)[0].status == ParticipantStatus.pending


def test_a_made_up_token_is_refused(server: LiveServer) -> None:
    with server.client() as http:
        page = http.get("/verify?token=not-a-real-token")
    assert page.status_code == 400
    assert "not valid" in page.text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "ann@"}, "email"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 500}, "name"),
        ({"organisation": "x" * 500}, "organisation"),
        ({"name": 42}, "name"),
        ({"name": "Ann\x00"}, "name"),
        ({"favourite_colour": "green"}, "favourite_colour"),
    ],
)
def test_bad_input_gets_a_clear_422_and_writes_nothing(
    server: LiveServer, mailbox, change: dict, field: str
) -> None:
    with server.client() as http:
        reply = http.post("/api/v1/signups", json={**ANN, **change})
    assert reply.status_code == 422
    body = reply.json()
    assert field in body["detail"]
    assert [problem["field"] for problem in body["errors"]] == [field]
    assert _count(server, Participant) == 0
    assert _count(server, Organisation) == 0
    assert mailbox.to("ann.smith@example.org") == []


def test_missing_body_and_wrong_content_are_422(server: LiveServer) -> None:
    with server.client() as http:
        assert http.post("/api/v1/signups").status_code == 422
        assert http.post("/api/v1/signups", content=b"{not json").status_code == 422
        assert http.post("/api/v1/signups", json=["a list"]).status_code == 422


def test_organisations_match_ignoring_case_and_spaces(server: LiveServer, mailbox) -> None:
    with server.client() as http:
        http.post("/api/v1/signups", json=ANN)
        http.post(
            "/api/v1/signups",
            json={**ANN, "email": "bob@example.org", "organisation": "  devon   COUNTY council "},
        )
    assert _count(server, Organisation) == 1
    orgs = {p.organisation_id for p in _participants(server)}
    assert len(orgs) == 1


def test_concurrent_signups_with_one_email_make_one_participant(
    server: LiveServer, mailbox
) -> None:
    def sign_up(_):
        with server.client() as http:
            return http.post("/api/v1/signups", json=ANN).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(sign_up, range(4)))
    assert codes == [202] * 4
    assert len(_participants(server)) == 1
    mailbox.wait_for("ann.smith@example.org", count=4)


def test_signups_are_rate_limited_per_email(server: LiveServer, mailbox) -> None:
    limit = server.settings.signup_limit_per_email
    with server.client() as http:
        codes = [http.post("/api/v1/signups", json=ANN).status_code for _ in range(limit + 2)]
        refused = http.post("/api/v1/signups", json=ANN)
        other = http.post("/api/v1/signups", json={**ANN, "email": "bob@example.org"})
    assert codes[:limit] == [202] * limit
    assert codes[limit:] == [429, 429]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many requests" in refused.json()["detail"]
    assert other.status_code == 202, "another address is not limited by Ann's count"
    assert len(mailbox.wait_for("ann.smith@example.org", count=limit)) == limit


def test_rate_limit_counts_are_shared_between_workers(make_settings, mailbox) -> None:
    """Two app instances (as two workers would be) on one database share the counters."""
    from tests.conftest import free_port, start_server
    from unmentor.app import create_app
    from unmentor.db import Database

    servers = []
    urls = []
    for _ in range(2):
        port = free_port()
        settings = make_settings(base_url=f"http://127.0.0.1:{port}", signup_limit_per_client=3)
        servers.append(
            start_server(create_app(settings, database=Database(settings.database_url)), port)
        )
        urls.append(settings.base_url)
    try:
        import httpx

        codes = []
        for n in range(4):
            with httpx.Client(base_url=urls[n % 2]) as http:
                codes.append(
                    http.post(
                        "/api/v1/signups", json={**ANN, "email": f"p{n}@example.org"}
                    ).status_code
                )
    finally:
        for uv, thread in servers:
            uv.should_exit = True
            thread.join(timeout=10)
    assert codes == [202, 202, 202, 429]


def test_someone_who_left_rejoins_by_signing_up_and_verifying(server: LiveServer, mailbox) -> None:
    from tests.factories import make_participant

    with server.database.session() as session:
        gone = make_participant(
            session, email="ann.smith@example.org", status=ParticipantStatus.left
        )
    with server.client() as http:
        http.post("/api/v1/signups", json=ANN)
        link = link_in(mailbox.wait_for("ann.smith@example.org")[0], "/verify")
        assert confirm_verification(http, link).status_code == 303
    [person] = _participants(server)
    assert person.id == gone.id and person.status == ParticipantStatus.active
