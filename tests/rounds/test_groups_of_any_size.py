"""Groups of four built straight in the database: API, answers, emails, pages and pictures.

The engine makes groups larger than three only from the engine branch on; everything after
forming must already handle them, whoever made the round.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import httpx

from tests.conftest import LiveServer
from tests.factories import make_community, make_participant, make_round
from tests.support import ORGANISER_TOKEN, body_of, hidden_field
from unmentor.clock import utcnow
from unmentor.rounds.calendar import period_of
from unmentor.rounds.tokens import outcome_token

SVG = "{http://www.w3.org/2000/svg}"


@contextmanager
def _organiser_pages(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as http:
        form = http.get("/organiser")
        signed_in = http.post(
            "/organiser/signin",
            data={"csrf_token": hidden_field(form.text, "csrf_token"), "token": ORGANISER_TOKEN},
        )
        assert signed_in.status_code == 303
        yield http


def _paths(svg: bytes, gid: str) -> int:
    root = ET.fromstring(svg)
    group = next((g for g in root.iter(f"{SVG}g") if g.get("id") == gid), None)
    return 0 if group is None else len(group.findall(f"{SVG}path"))


def test_a_group_of_four_from_answer_to_picture(server: LiveServer, mailbox) -> None:
    with server.database.session() as session:
        ann = make_participant(session, name="Ann Ash", organisation="A")
        bob = make_participant(session, name="Bob Birch", organisation="B")
        cy = make_participant(session, name="Cy Cedar", organisation="C")
        dee = make_participant(session, name="Dee Dogwood", organisation=None)
        eve = make_participant(session, name="Eve Elm", organisation="A")
        fred = make_participant(session, name="Fred Fir", organisation="B")
        round_ = make_round(
            session, [[ann, bob, cy, dee], [eve, fred]], number=1, period="2026-10", closed=False
        )
    secret = server.settings.secret_key.get_secret_value()

    def token(person) -> str:
        return outcome_token(secret, round_.id, person.id)

    with server.client() as http:
        page = http.get("/outcome", params={"token": token(ann), "answer": "met"})
        met = http.post("/api/v1/outcomes", json={"token": token(ann), "outcome": "met"})
        other = http.post("/api/v1/outcomes", json={"token": token(bob), "outcome": "not_met"})
        no = http.post("/api/v1/outcomes", json={"token": token(eve), "outcome": "not_met"})
    assert "Did you meet Bob Birch, Cy Cedar and Dee Dogwood?" in page.text
    assert met.status_code == other.status_code == no.status_code == 200
    with server.organiser() as api:
        detail = api.get("/api/v1/rounds/1").json()
        resent = api.post("/api/v1/rounds/1/resend", json={"participant_id": dee.id})
        stats = api.get("/api/v1/stats").json()
    four, two = detail["group_list"]
    assert [m["name"] for m in four["members"]] == [
        "Ann Ash",
        "Bob Birch",
        "Cy Cedar",
        "Dee Dogwood",
    ]
    assert four["members"][3]["organisation"] == "Independent"
    assert four["outcome"] == "met" and four["conflict"] is True
    assert two["outcome"] == "not_met"
    assert (detail["people"], detail["groups"], detail["met"], detail["conflicts"]) == (6, 2, 1, 1)
    assert resent.status_code == 202
    # Dee, without an organisation, is in no organisation: A, B and C are spanned.
    [metrics] = stats["rounds"]
    assert (metrics["people"], metrics["organisations"]) == (6, 3)
    # New partners left: Ann and Bob 1, Cy and Dee 2, Eve and Fred 3 (not "few").
    running_dry = set(stats["few_fresh_partners"]["participant_ids"])
    assert running_dry == {ann.id, bob.id, cy.id, dee.id}
    server.deliver_mail()
    [again] = mailbox.wait_for(dee.email)
    body = body_of(again).replace("\r\n", "\n")
    assert again["Subject"].endswith("meet Ann Ash, Bob Birch and Cy Cedar")
    for name, organisation in (("Ann Ash", "A"), ("Bob Birch", "B"), ("Cy Cedar", "C")):
        assert f"  {name}, {organisation} (" in body
    assert "You are a group of 4" in body
    with _organiser_pages(server) as pages:
        round_page = pages.get("/organiser/rounds/1")
        svg = pages.get("/organiser/images/rounds/1/network.svg")
    assert round_page.status_code == 200 and "Dee Dogwood" in round_page.text
    assert svg.status_code == 200
    # A group of four is a clique of six lines; the pair that did not meet, one red line.
    assert _paths(svg.content, "edges-r1-met") == 6
    assert _paths(svg.content, "edges-r1-not_met") == 1


def test_preview_shows_the_next_period_once_this_one_is_formed(server: LiveServer) -> None:
    with server.database.session() as session:
        make_community(session, {"A": 2, "B": 2})
    today = utcnow().date()
    this = period_of(today, server.settings)
    following = period_of(this.next_starts_on, server.settings)
    with server.organiser() as api:
        before = api.get("/api/v1/rounds/next", params={"seed": 1}).json()
        assert api.post("/api/v1/rounds").status_code == 201
        after = api.get("/api/v1/rounds/next", params={"seed": 1}).json()
    assert (before["period"], before["can_form_now"]) == (this.key, True)
    assert (after["period"], after["can_form_now"]) == (following.key, False)
    assert date.fromisoformat(after["forms_on"]) == following.forms_on
    with _organiser_pages(server) as pages:
        page = pages.get("/organiser/rounds/next", params={"seed": 1}).text
    assert f"Next round ({following.key})" in page
    assert 'id="already-formed"' in page and "round 1</a>" in page
    assert "Form this round" not in page
