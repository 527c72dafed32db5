"""An optional one-line "about me": sign-up, /me, the organiser API, the download, introductions."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import body_of, hidden_field, html_part, post_form, sign_in_by_link
from unmentor.clock import utcnow
from unmentor.people.models import ABOUT_ME_MAX, Participant
from unmentor.rounds.forming import form_round


def _person(server: LiveServer, email: str) -> Participant:
    with server.database.read_session() as session:
        return session.exec(select(Participant).where(Participant.email == email)).one()


def test_signup_api_keeps_a_tidied_line_and_refuses_a_long_one(server: LiveServer) -> None:
    new = {"name": "Ann", "email": "ann@example.org", "organisation": "A"}
    with server.client() as http:
        taken = http.post("/api/v1/signups", json={**new, "about_me": "  I run\nthe buses\u200b  "})
        long = http.post(
            "/api/v1/signups",
            json={**new, "email": "bob@example.org", "about_me": "x" * (ABOUT_ME_MAX + 1)},
        )
    assert taken.status_code == 202
    assert _person(server, "ann@example.org").about_me == "I run the buses", "one plain line"
    assert long.status_code == 422
    assert [problem["field"] for problem in long.json()["errors"]] == ["about_me"]


def test_signup_form_takes_it_too(server: LiveServer) -> None:
    with server.client() as http:
        form = http.get("/")
        assert 'id="about_me"' in form.text and 'maxlength="140"' in form.text
        cy = {"csrf_token": hidden_field(form.text, "csrf_token"), "name": "Cy"}
        cy["email"] = "cy@example.org"
        too_long = http.post("/signup", data={**cy, "about_me": "y" * 141})
        sent = http.post("/signup", data={**cy, "about_me": "Maps"})
    assert too_long.status_code == 422 and 'id="about_me-error"' in too_long.text
    assert sent.status_code == 303
    assert _person(server, "cy@example.org").about_me == "Maps"


def test_organiser_api_sets_changes_and_clears_it(server: LiveServer) -> None:
    new = {"name": "Ann", "email": "ann@example.org", "about_me": "Planner"}
    with server.organiser() as http:
        created = http.post("/api/v1/participants", json=new).json()
        path = f"/api/v1/participants/{created['id']}"
        changed = http.patch(path, json={"about_me": "Planner, <b>bold</b>"}).json()
        kept = http.patch(path, json={"name": "Ann S"}).json()
        cleared = http.patch(path, json={"about_me": "   "}).json()
    assert created["about_me"] == "Planner"
    assert changed["about_me"] == "Planner, <b>bold</b>", "plain text: kept, escaped on output"
    assert kept["about_me"] == "Planner, <b>bold</b>", "left out: unchanged"
    assert cleared["about_me"] is None


def test_me_page_edits_it_and_the_download_shows_it(server: LiveServer, mailbox) -> None:
    with server.database.session() as session:
        make_participant(session, name="Ann", email="ann@example.org")
    with server.client() as http:
        sign_in_by_link(server, http, mailbox, "ann@example.org")
        saved = post_form(http, "/me/about", about_me="Ask me about <maps>")
        page = http.get("/me?about=saved")
        refused = post_form(http, "/me/about", about_me="z" * 141)
        data = http.get("/me/data.json").json()
        cleared = post_form(http, "/me/about", about_me="")
    assert saved.status_code == 303
    assert "Ask me about &lt;maps&gt;" in page.text and 'id="about-notice"' in page.text
    assert refused.status_code == 422 and "at most 140 characters" in refused.text
    assert data["participant"]["about_me"] == "Ask me about <maps>"
    assert cleared.status_code == 303
    assert _person(server, "ann@example.org").about_me is None


@pytest.fixture
def server_overrides() -> dict:
    return {"conversation_starters": []}


def test_introductions_show_each_partners_line_in_text_and_html(
    server: LiveServer, mailbox
) -> None:
    with server.database.session() as session:
        ann = make_participant(session, name="Ann", organisation="Devon CC")
        bob = make_participant(session, name="Bob", organisation="NHS")
        cy = make_participant(session, name="Cy", organisation="Uni")
        for person, line in ((ann, 'Buses & "timetables"'), (bob, "Wards <nights>")):
            person.about_me = line
            session.add(person)
    now = utcnow()
    form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=3
    )
    server.deliver_mail()
    seen = {}
    for person in (ann, bob, cy):
        [message] = mailbox.wait_for(person.email)
        seen[person.name] = body_of(message).replace("\r\n", "\n"), html_part(message)
    # A triad: everyone sees the lines of the others who gave one, never their own.
    ann_text, ann_html = seen["Ann"]
    assert '"Wards <nights>"' in ann_text and "timetables" not in ann_text
    assert "&ldquo;Wards &lt;nights&gt;&rdquo;" in ann_html and "<nights>" not in ann_html
    cy_text, cy_html = seen["Cy"]
    assert '"Buses & "timetables""' in cy_text and '"Wards <nights>"' in cy_text
    assert "Buses &amp; &#34;timetables&#34;" in cy_html
    assert cy_html.count('class="about-me"') == 2
    bob_text, bob_html = seen["Bob"]
    assert "Wards" not in bob_text and bob_html.count('class="about-me"') == 1
