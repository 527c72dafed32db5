"""The organiser API: bearer token, paginated search, create, update, erase, clear errors."""

from __future__ import annotations

import pytest

from tests.conftest import LiveServer
from tests.factories import make_participant
from unmentor.people.models import ParticipantStatus


@pytest.mark.parametrize(
    "path", ["/api/v1/participants", "/api/v1/organisations", "/api/v1/participants/1"]
)
def test_organiser_routes_need_the_token(server: LiveServer, path: str) -> None:
    with server.client() as http:
        missing = http.get(path)
        wrong = http.get(path, headers={"Authorization": "Bearer not-the-token"})
        basic = http.get(path, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert "organiser token" in missing.json()["detail"]
    assert wrong.status_code == 403
    assert wrong.json()["detail"] == "That token is not the organiser token."
    assert basic.status_code == 401


def test_create_then_read_a_participant(server: LiveServer) -> None:
    new = {"name": "Ann Smith", "email": "ANN@example.org", "organisation": "Devon CC"}
    with server.organiser() as http:
        created = http.post("/api/v1/participants", json={**new, "sector": "Health"})
        fetched = http.get(f"/api/v1/participants/{created.json()['id']}")
    assert created.status_code == 201
    body = fetched.json()
    assert body["email"] == "ann@example.org"
    assert body["organisation"]["name"] == "Devon CC"
    assert body["status"] == "active"
    assert body["joined_on"] is not None
    assert set(body) == {
        "id", "name", "email", "organisation", "sector", "status",
        "paused_until", "joined_on", "rhythm", "about_me", "created_at",
    }  # fmt: skip
    assert body["rhythm"] == 1, "the default_rhythm setting"


def test_duplicate_email_is_a_conflict(server: LiveServer) -> None:
    new = {"name": "Ann", "email": "ann@example.org", "organisation": "A"}
    with server.organiser() as http:
        assert http.post("/api/v1/participants", json=new).status_code == 201
        again = http.post("/api/v1/participants", json={**new, "email": "Ann@Example.org"})
        listed = http.get("/api/v1/participants").json()
    assert again.status_code == 409
    assert "already exists" in again.json()["detail"]
    assert listed["total"] == 1


def test_list_is_paginated_and_searchable(server: LiveServer) -> None:
    with server.database.session() as session:
        for n in range(7):
            make_participant(session, name=f"Zed {n}", organisation=f"Org {n % 2}")
        make_participant(session, name="Ann Searchable", email="findme@example.org")
    with server.organiser() as http:
        first = http.get("/api/v1/participants", params={"per_page": 3}).json()
        third = http.get("/api/v1/participants", params={"per_page": 3, "page": 3}).json()
        beyond = http.get("/api/v1/participants", params={"per_page": 3, "page": 9}).json()
        by_name = http.get("/api/v1/participants", params={"q": "searchABLE"}).json()
        by_email = http.get("/api/v1/participants", params={"q": "findme"}).json()
    assert first["total"] == 8 and len(first["items"]) == 3
    assert first["items"][0]["name"] == "Ann Searchable"  # ordered by name
    assert len(third["items"]) == 2
    assert beyond["items"] == [] and beyond["total"] == 8
    assert [p["name"] for p in by_name["items"]] == ["Ann Searchable"]
    assert [p["name"] for p in by_email["items"]] == ["Ann Searchable"]


def test_filter_by_status_and_organisation(server: LiveServer) -> None:
    with server.database.session() as session:
        make_participant(session, organisation="Alpha")
        gone = make_participant(session, organisation="Beta", status=ParticipantStatus.left)
        beta_id = gone.organisation_id
    with server.organiser() as http:
        left = http.get("/api/v1/participants", params={"status": "left"}).json()
        beta = http.get("/api/v1/participants", params={"organisation_id": beta_id}).json()
        bad = http.get("/api/v1/participants", params={"status": "asleep"})
    assert [p["id"] for p in left["items"]] == [gone.id]
    assert [p["id"] for p in beta["items"]] == [gone.id]
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.status"


def test_update_changes_only_what_is_sent(server: LiveServer) -> None:
    with server.database.session() as session:
        person = make_participant(session, name="Ann", sector="Health")
    with server.organiser() as http:
        renamed = http.patch(f"/api/v1/participants/{person.id}", json={"name": "Ann B"}).json()
        moved = http.patch(
            f"/api/v1/participants/{person.id}", json={"organisation": "New Place"}
        ).json()
        paused = http.patch(
            f"/api/v1/participants/{person.id}",
            json={"status": "paused", "paused_until": "2099-01-01"},
        ).json()
        keeps_date = http.patch(f"/api/v1/participants/{person.id}", json={"sector": None})
        active = http.patch(f"/api/v1/participants/{person.id}", json={"status": "active"})
        no_date = http.patch(f"/api/v1/participants/{person.id}", json={"status": "paused"})
    assert renamed["name"] == "Ann B" and renamed["sector"] == "Health"
    assert moved["organisation"]["name"] == "New Place"
    assert paused["status"] == "paused" and paused["paused_until"] == "2099-01-01"
    assert keeps_date.json()["paused_until"] == "2099-01-01"
    assert keeps_date.json()["sector"] is None
    assert active.json()["paused_until"] is None
    assert no_date.status_code == 422
    assert no_date.json()["errors"][0]["field"] == "paused_until"


def test_pausing_into_the_past_is_refused(server: LiveServer) -> None:
    with server.database.session() as session:
        person = make_participant(session)
    with server.organiser() as http:
        reply = http.patch(
            f"/api/v1/participants/{person.id}",
            json={"status": "paused", "paused_until": "2001-01-01"},
        )
        after = http.get(f"/api/v1/participants/{person.id}").json()
    assert reply.status_code == 422
    assert reply.json()["errors"] == [
        {"field": "paused_until", "message": "paused_until must be a date after today."}
    ]
    assert after["status"] == "active"


def test_changing_email_to_a_taken_one_is_a_conflict(server: LiveServer) -> None:
    with server.database.session() as session:
        ann = make_participant(session, email="ann@example.org")
        make_participant(session, email="bob@example.org")
    with server.organiser() as http:
        reply = http.patch(f"/api/v1/participants/{ann.id}", json={"email": "BOB@example.org"})
        after = http.get(f"/api/v1/participants/{ann.id}").json()
    assert reply.status_code == 409
    assert after["email"] == "ann@example.org"


def test_unknown_ids_are_404_with_a_message(server: LiveServer) -> None:
    with server.organiser() as http:
        person = http.get("/api/v1/participants/999")
        organisation = http.patch("/api/v1/organisations/999", json={"name": "X"})
        not_a_number = http.get("/api/v1/participants/abc")
        nowhere = http.get("/api/v1/nothing-here")
    assert person.status_code == 404 and person.json()["detail"] == "No participant with id 999."
    assert organisation.status_code == 404
    assert not_a_number.status_code == 422
    assert nowhere.status_code == 404 and "detail" in nowhere.json()


def test_erase_removes_the_participant(server: LiveServer) -> None:
    with server.database.session() as session:
        person = make_participant(session, organisation="Solo Org")
    with server.organiser() as http:
        erased = http.delete(f"/api/v1/participants/{person.id}")
        again = http.delete(f"/api/v1/participants/{person.id}")
        organisations = http.get("/api/v1/organisations", params={"q": "solo"}).json()
    assert erased.status_code == 204
    assert again.status_code == 404
    assert organisations["total"] == 0, "an organisation left empty by erasure goes too"


def test_organisations_are_unique_ignoring_case_and_spacing(server: LiveServer) -> None:
    with server.organiser() as http:
        created = http.post("/api/v1/organisations", json={"name": "Devon County Council"})
        clash = http.post("/api/v1/organisations", json={"name": " devon  county COUNCIL"})
        other = http.post("/api/v1/organisations", json={"name": "Cornwall Council"})
        rename_clash = http.patch(
            f"/api/v1/organisations/{other.json()['id']}", json={"name": "DEVON county council"}
        )
        renamed = http.patch(
            f"/api/v1/organisations/{other.json()['id']}", json={"name": "Cornwall  Council "}
        )
        listing = http.get("/api/v1/organisations").json()
    assert created.status_code == 201 and created.json()["participants"] == 0
    assert clash.status_code == 409
    assert rename_clash.status_code == 409
    assert renamed.status_code == 200 and renamed.json()["name"] == "Cornwall Council"
    assert [o["name"] for o in listing["items"]] == ["Cornwall Council", "Devon County Council"]


def test_organisation_counts_participants(server: LiveServer) -> None:
    with server.database.session() as session:
        ann = make_participant(session, organisation="Alpha")
        make_participant(session, organisation="ALPHA ")
    with server.organiser() as http:
        alpha = http.get(f"/api/v1/organisations/{ann.organisation_id}").json()
    assert alpha == {"id": ann.organisation_id, "name": "Alpha", "participants": 2}
