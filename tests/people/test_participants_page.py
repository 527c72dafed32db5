"""The organiser's participants pages over HTTP: find, filter, add, edit, pause, resume, erase
(only after its confirmation page), each saying what happened once, at the top of the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import ORGANISER_TOKEN, hidden_field
from unmentor.clock import utcnow
from unmentor.mail.models import OutboxMessage
from unmentor.people.models import Participant, ParticipantStatus


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def server_mail_relay() -> bool:
    return False


def _signed_in(http) -> str:
    csrf = hidden_field(http.get("/organiser").text, "csrf_token")
    signin = http.post("/organiser/signin", data={"csrf_token": csrf, "token": ORGANISER_TOKEN})
    assert signin.status_code == 303
    return csrf


def _flash(html: str) -> str:
    assert 'id="flash"' in html, "no message at the top of the page"
    start = html.index('id="flash"')
    assert 'role="status"' in html[start - 60 : start + 80]
    return html[html.index(">", start) + 1 : html.index("</p>", start)]


def test_the_pages_need_the_organiser(server: LiveServer) -> None:
    with server.database.session() as session:
        ann = make_participant(session)
    with server.client() as http:
        csrf = hidden_field(http.get("/organiser").text, "csrf_token")
        for path in ("/organiser/participants", f"/organiser/participants/{ann.id}/erase"):
            response = http.get(path)
            assert (response.status_code, response.headers["location"]) == (303, "/organiser")
        erase = http.post(
            f"/organiser/participants/{ann.id}/erase", data={"csrf_token": csrf, "confirmed": "yes"}
        )
        assert (erase.status_code, erase.headers["location"]) == (303, "/organiser")
    with server.database.read_session() as session:
        assert session.get(Participant, ann.id) is not None


def test_find_filter_and_page(server: LiveServer) -> None:
    with server.database.session() as session:
        for n in range(55):
            make_participant(session, name=f"Someone {n:02d}", organisation="Devon CC")
        ann = make_participant(session, name="Ann Oakley", email="ann@nhs.net", organisation="NHS")
        make_participant(
            session, name="Bob Paused", organisation="NHS", status=ParticipantStatus.paused
        )
    with server.client() as http:
        _signed_in(http)
        first = http.get("/organiser/participants").text
        assert "1 to 50 of 57 people" in first and 'rel="next"' in first
        second = http.get("/organiser/participants?page=2").text
        assert "51 to 57 of 57 people" in second and "Someone 54" in second
        found = http.get("/organiser/participants", params={"q": "NHS.NET"}).text
        assert f'href="/organiser/participants/{ann.id}"' in found and "1 to 1 of 1 person" in found
        nhs = http.get("/organiser/participants", params={"organisation": " nhs "}).text
        assert "Ann Oakley" in nhs and "Bob Paused" in nhs and "Someone" not in nhs
        by_id = http.get(f"/organiser/participants?organisation_id={ann.organisation_id}").text
        assert 'value="NHS"' in by_id and "of 2 people" in by_id
        paused = http.get("/organiser/participants", params={"status": "paused"}).text
        assert "Bob Paused" in paused and "Ann Oakley" not in paused
        unknown = http.get("/organiser/participants", params={"organisation": "Nowhere"}).text
        assert "No organisation is called “Nowhere”" in unknown
        organisations = http.get("/organiser/organisations").text
        assert (
            f'href="/organiser/participants?organisation_id={ann.organisation_id}"' in organisations
        )
        only_nhs = http.get("/organiser/organisations", params={"q": "nh"}).text
        all_section = only_nhs.split('id="all-organisations"')[1]
        assert "NHS" in all_section and "Devon CC" not in all_section


def test_add_edit_pause_resume_with_a_message_each_time(server: LiveServer) -> None:
    with server.database.session() as session:
        make_participant(session, email="taken@example.org")
    with server.client() as http:
        csrf = _signed_in(http)
        refused = http.post(
            "/organiser/participants",
            data={"csrf_token": csrf, "name": "", "email": "taken@example.org"},
        )
        assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
        added = http.post(
            "/organiser/participants",
            data={
                "csrf_token": csrf,
                "name": "Cy New",
                "email": "Cy@Example.org",
                "organisation": "Exeter University",
                "rhythm": "2",
            },
        )
        assert added.status_code == 303
        page = http.get(added.headers["location"]).text
        assert _flash(page).startswith("Added Cy New") and "welcome email" in _flash(page)
        assert 'id="flash"' not in http.get(added.headers["location"]).text  # said once
        person_path = added.headers["location"].removesuffix("#flash")
        with server.database.read_session() as session:
            cy = session.exec(
                select(Participant).where(Participant.email == "cy@example.org")
            ).one()
            keys = session.exec(select(OutboxMessage.idempotency_key)).all()
        assert cy.rhythm == 2 and keys == [f"added_welcome:{cy.id}"]

        taken = http.post(
            person_path,
            data={"csrf_token": csrf, "name": "Cy", "email": "taken@example.org", "rhythm": "1"},
        )
        assert taken.status_code == 409 and "already exists" in taken.text
        saved = http.post(
            person_path,
            data={
                "csrf_token": csrf,
                "name": "Cy Fixed",
                "email": "cy@example.org",
                "organisation": "",
                "sector": "Health",
                "rhythm": "3",
            },
        )
        assert _flash(http.get(saved.headers["location"]).text) == "Saved."
        until = utcnow().date() + timedelta(days=30)
        paused = http.post(
            f"{person_path}/pause", data={"csrf_token": csrf, "until": until.isoformat()}
        )
        assert "Paused Cy Fixed until" in _flash(http.get(paused.headers["location"]).text)
        past = http.post(f"{person_path}/pause", data={"csrf_token": csrf, "until": "2001-01-01"})
        shown = http.get(past.headers["location"]).text
        assert "after today" in _flash(shown) and 'class="flash error"' in shown
        resumed = http.post(f"{person_path}/resume", data={"csrf_token": csrf})
        assert "takes part again" in _flash(http.get(resumed.headers["location"]).text)
        with server.database.read_session() as session:
            cy = session.get(Participant, cy.id)
        assert (cy.name, cy.organisation_id, cy.sector, cy.rhythm, cy.status) == (
            "Cy Fixed",
            None,
            "Health",
            3,
            ParticipantStatus.active,
        )
        forged = http.post(f"{person_path}/resume", data={"csrf_token": "wrong"})
        assert forged.status_code == 403


def test_erase_asks_first(server: LiveServer) -> None:
    with server.database.session() as session:
        ann = make_participant(session, name="Ann Erased")
    with server.client() as http:
        csrf = _signed_in(http)
        detail = http.get(f"/organiser/participants/{ann.id}").text
        assert f'href="/organiser/participants/{ann.id}/erase"' in detail
        unconfirmed = http.post(
            f"/organiser/participants/{ann.id}/erase", data={"csrf_token": csrf}
        )
        assert unconfirmed.headers["location"] == f"/organiser/participants/{ann.id}/erase#flash"
        confirm = http.get(unconfirmed.headers["location"]).text
        assert "cannot be undone" in confirm and "Please confirm" in _flash(confirm)
        with server.database.read_session() as session:
            assert session.get(Participant, ann.id) is not None
        erased = http.post(
            f"/organiser/participants/{ann.id}/erase",
            data={"csrf_token": hidden_field(confirm, "csrf_token"), "confirmed": "yes"},
        )
        assert erased.headers["location"] == "/organiser/participants#flash"
        assert _flash(http.get("/organiser/participants").text).startswith("Erased Ann Erased")
        assert http.get(f"/organiser/participants/{ann.id}").status_code == 404
    with server.database.read_session() as session:
        assert session.get(Participant, ann.id) is None
