"""The organiser's round endpoints and the CLI's round commands."""

from __future__ import annotations

from tests.conftest import LiveServer
from tests.factories import make_community


def test_form_list_and_read_rounds(server: LiveServer, mailbox) -> None:
    with server.database.session() as session:
        people = make_community(session, {"A": 2, "B": 2, "C": 1})
    with server.organiser() as http:
        assert http.get("/api/v1/rounds").json() == []
        formed = http.post("/api/v1/rounds")
        again = http.post("/api/v1/rounds")
        listed = http.get("/api/v1/rounds").json()
        detail = http.get("/api/v1/rounds/1").json()
        missing = http.get("/api/v1/rounds/2")
    assert formed.status_code == 201
    assert formed.json()["people"] == 5 and formed.json()["status"] == "open"
    assert again.status_code == 409 and "already formed" in again.json()["detail"]
    assert [r["number"] for r in listed] == [1]
    assert sorted(
        m["participant_id"] for g in detail["group_list"] for m in g["members"]
    ) == sorted(p.id for p in people)
    assert detail["pending"] == detail["groups"] == 2
    assert missing.status_code == 404
    for person in people:
        mailbox.wait_for(person.email)


def test_preview_is_reproducible_and_writes_nothing(server: LiveServer) -> None:
    with server.database.session() as session:
        make_community(session, {"A": 4, "B": 4, "C": 4})
    with server.organiser() as http:
        first = http.get("/api/v1/rounds/next", params={"seed": 11}).json()
        same = http.get("/api/v1/rounds/next", params={"seed": 11}).json()
        other = http.get("/api/v1/rounds/next", params={"seed": 12}).json()
        assert http.get("/api/v1/rounds").json() == []
        formed = http.post("/api/v1/rounds", json={"seed": 11})
        detail = http.get(f"/api/v1/rounds/{formed.json()['number']}").json()
    assert first == same
    assert first["groups"] != other["groups"]
    previewed = sorted(sorted(p["participant_id"] for p in g) for g in first["groups"])
    formed_groups = sorted(
        sorted(m["participant_id"] for m in g["members"]) for g in detail["group_list"]
    )
    assert previewed == formed_groups, "forming with a previewed seed gives that grouping"


def test_round_endpoints_need_the_organiser(server: LiveServer) -> None:
    with server.client() as http:
        assert http.get("/api/v1/rounds").status_code == 401
        assert http.post("/api/v1/rounds").status_code == 401
        assert http.post("/api/v1/rounds/1/close").status_code == 401
