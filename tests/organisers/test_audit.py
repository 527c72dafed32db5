"""The audit log: every organiser action with who and when, newest first, on a page and the API."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from tests.accounts_support import api, browser, make_account
from tests.conftest import LiveServer
from tests.factories import make_participant
from unmentor.clock import utcnow
from unmentor.organisers import audit
from unmentor.organisers.actor import Actor, acting_as
from unmentor.organisers.models import AuditEntry, OrganiserRole
from unmentor.rounds import forming
from unmentor.transfer.service import import_file


def _entries(server: LiveServer) -> list[AuditEntry]:
    with server.database.read_session() as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.id)).all())


def test_each_organiser_action_is_recorded_with_who_and_what(
    server: LiveServer, tmp_path: Path
) -> None:
    olga = make_account(server, "Olga Org", "olga@example.org")
    with server.database.session() as session:
        people = [
            make_participant(session, organisation=f"Org {n % 3}", email=f"p{n}@example.org")
            for n in range(6)
        ]
        ids = [p.id for p in people]
    assert _entries(server) == [], "set-up outside a request names nobody"
    with api(server, olga) as http:
        added = http.post(
            "/api/v1/participants",
            json={"name": "New Person", "email": "new@example.org", "organisation": "Org 9"},
        )
        assert added.status_code == 201
        formed = http.post("/api/v1/rounds")
        assert formed.status_code == 201, formed.text
        number = formed.json()["number"]
        detail = http.get(f"/api/v1/rounds/{number}").json()
        member = detail["group_list"][0]["members"][0]["participant_id"]
        resend = http.post(f"/api/v1/rounds/{number}/resend", json={"participant_id": member})
        assert resend.status_code == 202
        assert http.post(f"/api/v1/rounds/{number}/close").status_code == 200
        pair = http.post(
            "/api/v1/blocked-pairs", json={"participant_id": ids[0], "other_id": ids[1]}
        ).json()
        assert http.delete(f"/api/v1/blocked-pairs/{pair['id']}").status_code == 204
        assert http.delete(f"/api/v1/participants/{ids[5]}").status_code == 204
        invited = http.post(
            "/api/v1/organisers",
            json={"name": "Vic", "email": "vic@example.org", "role": "viewer"},
        ).json()
        assert http.delete(f"/api/v1/organisers/{invited['id']}").status_code == 204
        token = http.post("/api/v1/tokens", json={"name": "cron"}).json()
        assert http.delete(f"/api/v1/tokens/{token['id']}").status_code == 204
        # A refused action leaves no entry: it rolled back with everything else.
        assert http.post(f"/api/v1/rounds/{number}/close").status_code == 409
    sheet = tmp_path / "people.csv"
    sheet.write_text("name,email,organisation\nImo Port,imo@example.org,Org 7\n", encoding="utf-8")
    with acting_as(Actor(id=olga.id, name=olga.name, role=OrganiserRole.organiser)):
        import_file(database=server.database, settings=server.settings, path=sheet, now=utcnow())

    entries = _entries(server)
    assert [e.action for e in entries] == [
        "participant added",
        "form",
        "resend",
        "close",
        "block",
        "unblock",
        "erase",
        "organiser added",
        "organiser removed",
        "token created",
        "token revoked",
        "import",
    ]
    assert {(e.organiser_id, e.organiser_name) for e in entries} == {(olga.id, "Olga Org")}
    assert entries[1].target == f"round {number}" and "seed" in entries[1].detail
    assert entries[6].target == f"participant {ids[5]}"
    assert entries[-1].target == "people.csv"
    every_word = " ".join(f"{e.target} {e.detail}" for e in entries)
    assert "p5@example.org" not in every_word, "participants by id only"

    with api(server, olga) as http:
        log = http.get("/api/v1/audit").json()
    assert log["total"] == len(entries)
    assert [e["action"] for e in log["items"]] == [e.action for e in reversed(entries)]


def test_the_scheduler_acts_as_nobody(server: LiveServer) -> None:
    with server.database.session() as session:
        for n in range(4):
            make_participant(session, organisation=f"Org {n % 2}", email=f"s{n}@example.org")
    now = utcnow()
    forming.form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now
    )
    assert _entries(server) == []


def test_the_audit_page_pages_newest_first(server: LiveServer) -> None:
    olga = make_account(server, "Olga", "olga@example.org")
    olga_acts = acting_as(Actor(id=olga.id, name="Olga", role=OrganiserRole.organiser))
    with server.database.session() as session, olga_acts:
        for n in range(55):
            audit.record(session=session, action=audit.Action.settings, target=f"item {n}")
    with browser(server, olga) as http:
        first = http.get("/organiser/audit").text
        second = http.get("/organiser/audit?page=2").text
    assert "item 54" in first and "item 5<" in first and "item 4<" not in first
    assert "page 1 of 2" in first and 'rel="next"' in first
    assert "item 4<" in second and "item 0<" in second and "item 54" not in second
