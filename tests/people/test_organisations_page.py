"""The organiser's organisations page: merge a likely duplicate, see its cost, split it, domains."""

from __future__ import annotations

import pytest

from tests.conftest import LiveServer
from tests.factories import make_participant, make_round
from tests.support import ORGANISER_TOKEN, hidden_field
from unmentor.people.models import Participant


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def _signed_in(http) -> str:
    csrf = hidden_field(http.get("/organiser").text, "csrf_token")
    signin = http.post("/organiser/signin", data={"csrf_token": csrf, "token": ORGANISER_TOKEN})
    assert signin.status_code == 303
    return csrf


def test_merge_from_the_dashboard_shows_what_it_cost_and_splits(server: LiveServer) -> None:
    with server.database.session() as session:
        ann = make_participant(
            session, organisation="Devon County Council", email="ann@devon.gov.uk"
        )
        bob = make_participant(session, organisation="Devon CC", email="bob@gmail.com")
        cy = make_participant(session, organisation="Elsewhere", email="cy@devon.gov.uk")
        make_round(session, [[ann, bob]], number=1, period="2026-01")
        target, source = ann.organisation_id, bob.organisation_id
    with server.client() as http:
        csrf = _signed_in(http)
        page = http.get("/organiser/organisations").text
        dashboard = http.get("/organiser/dashboard").text
        assert 'id="likely-duplicates"' in dashboard and "Review and merge them" in dashboard
        assert "abbreviation" in page and "Devon CC" in page and "(1 person)" in page
        assert "+ devon.gov.uk" in page  # suggested from the members' addresses
        webmail = http.post(
            "/organiser/organisations/domains",
            data={"csrf_token": csrf, "organisation_id": source, "domain": "gmail.com"},
        )
        assert webmail.status_code == 422 and "public webmail" in webmail.text
        owned = http.post(
            "/organiser/organisations/domains",
            data={"csrf_token": csrf, "organisation_id": target, "domain": "@Devon.gov.uk"},
        )
        assert owned.status_code == 303
        page = http.get("/organiser/organisations").text
        listed = http.get(
            "/api/v1/organisation-mismatches",
            headers={"Authorization": f"Bearer {ORGANISER_TOKEN}"},
        ).json()
        assert [(m["name"], m["organisation"], m["owner"]) for m in listed] == [
            (cy.name, "Elsewhere", "Devon County Council")
        ]
        mismatches = page.split('id="mismatches"')[1].split("</section>")[0]
        assert "Elsewhere" in mismatches and "Devon County Council" in mismatches
        merged = http.post(
            "/organiser/organisations/merge",
            data={"csrf_token": csrf, "source_id": source, "target_id": target},
        )
        assert merged.status_code == 303
        page = http.get(merged.headers["location"]).text
        assert "Merged." in page and "<strong>1</strong> groups had been formed" in page
        assert "(rounds 1)" in page
        merge_id = hidden_field(page, "merge_id")
        parent = http.post(
            "/organiser/organisations/parent",
            data={
                "csrf_token": csrf,
                "organisation_id": cy.organisation_id,
                "parent": "devon county council",
            },
        )
        unknown = http.post(
            "/organiser/organisations/parent",
            data={"csrf_token": csrf, "organisation_id": cy.organisation_id, "parent": "Nowhere"},
        )
        assert parent.status_code == 303 and unknown.status_code == 404
        assert 'value="Devon County Council"' in http.get("/organiser/organisations").text
        split = http.post(
            "/organiser/organisations/split", data={"csrf_token": csrf, "merge_id": merge_id}
        )
        assert split.status_code == 303
        assert "Split on" in http.get("/organiser/organisations").text
    with server.database.read_session() as session:
        assert session.get(Participant, bob.id).organisation_id == source
        assert session.get(Participant, cy.id).organisation_id != target
