"""The organiser API for blocked pairs, over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.blocking_support import cast_with_a_past
from tests.conftest import LiveServer
from unmentor.blocking import service as blocking
from unmentor.clock import utcnow

PAIRS = "/api/v1/blocked-pairs"


def test_create_list_get_and_delete(server: LiveServer) -> None:
    cast = cast_with_a_past(server.database, server.settings)
    with server.database.session() as session:
        blocking.block_email(
            session=session, participant_id=cast.dee.id, email="later@example.org", now=utcnow()
        )
    with server.organiser() as http:
        created = http.post(PAIRS, json={"participant_id": cast.ann.id, "other_id": cast.cy.id})
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["participant"] == {
            "id": cast.ann.id,
            "name": "Ann Asker",
            "email": "ann@example.org",
        }
        assert body["other"]["id"] == cast.cy.id and body["other_email"] is None
        assert body["source"] == "organiser"

        listed = http.get(PAIRS).json()
        assert listed["total"] == 2 and listed["items"][0]["id"] == body["id"]
        typed = listed["items"][1]
        assert typed["other"] is None and typed["other_email"] == "later@example.org"
        assert http.get(PAIRS, params={"participant_id": cast.cy.id}).json()["total"] == 1
        assert http.get(PAIRS, params={"participant_id": cast.bob.id}).json()["total"] == 0
        assert http.get(f"{PAIRS}/{body['id']}").json() == body

        assert http.delete(f"{PAIRS}/{body['id']}").status_code == 204
        gone = http.get(f"{PAIRS}/{body['id']}")
        assert gone.status_code == 404 and gone.json()["detail"].startswith("No blocked pair")
        assert http.delete(f"{PAIRS}/{body['id']}").status_code == 404


def test_refusals_are_json_in_the_house_shape(server: LiveServer) -> None:
    cast = cast_with_a_past(server.database, server.settings)
    pair = {"participant_id": cast.ann.id, "other_id": cast.bob.id}
    with server.organiser() as http:
        assert http.post(PAIRS, json=pair).status_code == 201
        again = http.post(PAIRS, json=pair)
        reverse = http.post(PAIRS, json={"participant_id": cast.bob.id, "other_id": cast.ann.id})
        self_ = http.post(PAIRS, json={"participant_id": cast.ann.id, "other_id": cast.ann.id})
        unknown = http.post(PAIRS, json={"participant_id": cast.ann.id, "other_id": 99_999})
        bad = http.post(PAIRS, json={"participant_id": "1", "other_id": 2, "extra": 1})
        typo = http.get(PAIRS, params={"participant": 1})
    with server.client() as anonymous:
        assert anonymous.get(PAIRS).status_code == 401
    assert again.status_code == 409 and "already blocked" in again.json()["detail"]
    # Each side may ask on their own account: the reverse request is a row of its own.
    assert reverse.status_code == 201
    assert self_.status_code == 422
    assert self_.json()["errors"] == [{"field": "other_id", "message": self_.json()["detail"]}]
    assert unknown.status_code == 404
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"participant_id", "extra"}
    assert typo.status_code == 422


def test_the_preview_tells_kept_apart_from_met(server: LiveServer) -> None:
    cast = cast_with_a_past(server.database, server.settings)
    with server.organiser() as http:
        http.post(PAIRS, json={"participant_id": cast.cy.id, "other_id": cast.dee.id})
        preview = http.get("/api/v1/rounds/next", params={"seed": 4}).json()
    assert preview["kept_apart"] == {str(cast.cy.id): 1, str(cast.dee.id): 1}
    groups = [{p["participant_id"] for p in g} for g in preview["groups"]]
    assert {cast.cy.id, cast.dee.id} not in groups and {cast.ann.id, cast.bob.id} not in groups


def test_the_statistics_count_people_kept_apart(server: LiveServer) -> None:
    cast = cast_with_a_past(server.database, server.settings)
    with server.organiser() as http:
        before = http.get("/api/v1/stats").json()["few_fresh_partners"]
        http.post(PAIRS, json={"participant_id": cast.cy.id, "other_id": cast.dee.id})
        after = http.get("/api/v1/stats").json()["few_fresh_partners"]
    # The cached statistics follow the change (the data version covers blocked pairs), and
    # Cy and Dee, each with one partner fewer, are counted as kept apart, not as having met.
    assert before["kept_apart"] == 0 and after["kept_apart"] == 2
    assert after["count"] >= before["count"]
