"""A blank organisation: freelancers and independents sign up, are added and edited over HTTP."""

from __future__ import annotations

from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import link_in, press_button, sign_in_by_link
from unmentor.people.models import Organisation, Participant, ParticipantStatus


def _person(server: LiveServer, email: str) -> Participant:
    with server.database.read_session() as session:
        return session.exec(select(Participant).where(Participant.email == email)).one()


def test_signing_up_without_an_organisation(server: LiveServer, mailbox) -> None:
    blank = {"name": "Fay Free", "email": "fay@example.org", "organisation": "  "}
    omitted = {"name": "Gil Solo", "email": "gil@example.org"}
    with server.client() as http:
        assert http.post("/api/v1/signups", json=blank).status_code == 202
        assert http.post("/api/v1/signups", json=omitted).status_code == 202
        assert (
            http.post("/api/v1/signups", json={**omitted, "organisation": None}).status_code == 202
        )
        link = link_in(mailbox.wait_for("fay@example.org")[0], "/verify?token=")
        assert press_button(http, link, "/verify").status_code == 303
        sign_in_by_link(server, http, mailbox, "fay@example.org")
        page = http.get("/me")
    assert page.status_code == 200 and "None (you may meet anyone)" in page.text
    fay, gil = _person(server, "fay@example.org"), _person(server, "gil@example.org")
    assert fay.organisation_id is None and gil.organisation_id is None
    assert fay.status == ParticipantStatus.active
    with server.database.read_session() as session:
        assert session.exec(select(Organisation)).all() == [], "no organisation called ''"


def test_organisers_add_and_remove_an_organisation(server: LiveServer) -> None:
    with server.database.session() as session:
        ann = make_participant(session, name="Ann", organisation="Acme")
    with server.organiser() as http:
        created = http.post(
            "/api/v1/participants",
            json={"name": "Hal", "email": "hal@example.org", "organisation": ""},
        )
        null = http.post(
            "/api/v1/participants",
            json={"name": "Ida", "email": "ida@example.org", "organisation": None},
        )
        given = http.patch(
            f"/api/v1/participants/{created.json()['id']}", json={"organisation": "Beta"}
        )
        removed = http.patch(f"/api/v1/participants/{ann.id}", json={"organisation": None})
        blanked = http.patch(
            f"/api/v1/participants/{given.json()['id']}", json={"organisation": " "}
        )
        kept = http.patch(f"/api/v1/participants/{null.json()['id']}", json={"name": "Ida B"})
        listing = http.get("/api/v1/participants").json()
        acme = http.get("/api/v1/organisations", params={"q": "acme"}).json()
        erased = http.delete(f"/api/v1/participants/{ann.id}")
    assert created.status_code == null.status_code == 201
    assert created.json()["organisation"] is None and null.json()["organisation"] is None
    assert given.json()["organisation"]["name"] == "Beta"
    assert removed.status_code == 200 and removed.json()["organisation"] is None
    assert blanked.json()["organisation"] is None
    assert kept.json()["organisation"] is None and kept.json()["name"] == "Ida B"
    assert [p["organisation"] for p in listing["items"]] == [None, None, None]
    assert acme["items"][0]["participants"] == 0
    assert erased.status_code == 204, "erasing someone without an organisation"
