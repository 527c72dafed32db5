"""Organisers sign in by emailed link; the shared token only creates the first organiser."""

from __future__ import annotations

import pytest

from tests.accounts_support import api, browser, make_account
from tests.conftest import LiveServer
from tests.support import ORGANISER_TOKEN, hidden_field, newest_link, press_button, token_of


@pytest.fixture
def server_overrides() -> dict:
    # The documented way: the shared token no longer signs in.
    return {"organiser_token_signs_in": False}


def test_first_organiser_by_shared_token_then_sign_in_by_emailed_link(
    server: LiveServer, mailbox
) -> None:
    with server.client(headers={"Authorization": f"Bearer {ORGANISER_TOKEN}"}) as shared:
        _first_by_shared_token(shared)
    _sign_in_by_link(server, mailbox)


def _first_by_shared_token(shared) -> None:
    assert shared.get("/api/v1/rounds").status_code == 403, "the shared token opens nothing"
    first = shared.post(
        "/api/v1/first-organiser", json={"name": "Olga Org", "email": "Olga@Example.org"}
    )
    assert first.status_code == 201, first.text
    assert first.json()["role"] == "organiser" and first.json()["email"] == "olga@example.org"
    again = shared.post("/api/v1/first-organiser", json={"name": "Eve", "email": "e@x.org"})
    assert again.status_code == 409, "only while nobody is an organiser"


def _sign_in_by_link(server: LiveServer, mailbox) -> None:
    server.deliver_mail()
    invite = newest_link(mailbox, "olga@example.org", "/organiser/login", after=0)
    with server.client() as http:
        # Opening the link shows a button and changes nothing (mail scanners follow links).
        assert http.get(invite).status_code == 200
        assert http.get("/organiser/dashboard", follow_redirects=False).status_code == 303
        assert press_button(http, invite, "/organiser/login").status_code == 303
        page = http.get("/organiser/organisers")
        assert page.status_code == 200 and "Olga Org" in page.text
        # The link worked once.
        used = http.post(
            "/organiser/login",
            data={"csrf_token": hidden_field(page.text, "csrf_token"), "token": token_of(invite)},
        )
        assert used.status_code == 400 and "already been used" in used.text

    # Later: ask for a new link on the sign-in page; an unknown address gets the same answer.
    with server.client() as http:
        csrf = hidden_field(http.get("/organiser").text, "csrf_token")
        before = len(mailbox.to("olga@example.org"))
        for address in ("olga@example.org", "stranger@example.org"):
            asked = http.post("/organiser/link", data={"csrf_token": csrf, "email": address})
            assert asked.status_code == 200 and "Check your email" in asked.text
        server.deliver_mail()
        link = newest_link(mailbox, "olga@example.org", "/organiser/login", after=before)
        assert press_button(http, link, "/organiser/login").status_code == 303
        assert http.get("/organiser/audit").status_code == 200
    assert mailbox.to("stranger@example.org") == []


def test_shared_token_on_the_page_offers_the_first_account_only_while_nobody_is_one(
    server: LiveServer, mailbox
) -> None:
    with server.client() as http:
        csrf = hidden_field(http.get("/organiser").text, "csrf_token")
        offered = http.post(
            "/organiser/signin", data={"csrf_token": csrf, "token": ORGANISER_TOKEN}
        )
        assert offered.status_code == 200 and "The first organiser" in offered.text
        made = http.post(
            "/organiser/first",
            data={
                "csrf_token": csrf,
                "token": ORGANISER_TOKEN,
                "name": "Pat First",
                "email": "pat@example.org",
            },
        )
        assert made.status_code == 200 and "Check your email" in made.text
        refused = http.post(
            "/organiser/signin", data={"csrf_token": csrf, "token": ORGANISER_TOKEN}
        )
        assert refused.status_code == 403 and "only creates the first organiser" in refused.text
    server.deliver_mail()
    assert newest_link(mailbox, "pat@example.org", "/organiser/login", after=0)


def test_removing_an_organiser_ends_their_sessions_and_tokens(server: LiveServer) -> None:
    olga = make_account(server, "Olga", "olga@example.org")
    sam = make_account(server, "Sam", "sam@example.org")
    with (
        browser(server, sam) as sam_browser,
        api(server, sam) as sam_api,
        api(server, olga) as olga_api,
    ):
        assert sam_browser.get("/organiser/dashboard").status_code == 200
        assert sam_api.get("/api/v1/rounds").status_code == 200
        assert olga_api.delete(f"/api/v1/organisers/{sam.id}").status_code == 204
        dashboard = sam_browser.get("/organiser/dashboard", follow_redirects=False)
        assert dashboard.status_code == 303
        assert sam_api.get("/api/v1/rounds").status_code == 403
        # The last organiser cannot remove themselves out of existence.
        assert olga_api.delete(f"/api/v1/organisers/{olga.id}").status_code == 409


def test_expired_organiser_links_are_tidied_away(server: LiveServer) -> None:
    from datetime import timedelta

    from sqlmodel import func, select

    from unmentor.clock import utcnow
    from unmentor.organisers import service as accounts
    from unmentor.organisers.models import Organiser, OrganiserLink

    make_account(server, "Olga", "olga@example.org")  # its invitation link is in the table
    later = utcnow() + timedelta(minutes=server.settings.login_link_minutes + 1)
    with server.database.session() as session:
        olga = session.exec(select(Organiser)).one()
        accounts.send_link(session=session, organiser=olga, settings=server.settings, now=later)
        assert accounts.forget_expired_links(session=session, now=later) == 1
        left = session.exec(select(func.count()).select_from(OrganiserLink)).one()
    assert left == 1, "the link sent later is kept"
