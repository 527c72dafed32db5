"""Input that used to slip through: null for a required field, and invisible characters."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import hidden_field
from unmentor.people.models import Organisation, Participant

# A right-to-left override, zero-width spaces and joiners, a BOM, full-width letters and a
# ligature: what a name can carry to look like another in a page, a picture or an email subject.
SNEAKY_NAME = "\u202eAnn\u200b \ufeff\uff33\uff4d\uff49\uff54\uff48\u2066\u200d"
SNEAKY_ORGANISATION = "\u200eDevon\u2060 \uff23\uff4f\uff55\uff4e\uff54\uff59\u061c Council\u202c"
SNEAKY_SECTOR = "Local\u200c \ufb01nance\u200f"


@pytest.fixture
def ann(server: LiveServer) -> Participant:
    with server.database.session() as session:
        return make_participant(session, name="Ann Smith", email="ann@example.org")


@pytest.mark.parametrize("field", ["name", "email", "status"])
def test_null_for_a_field_that_cannot_be_removed_is_a_422(server, ann, field) -> None:
    with server.organiser() as api:
        reply = api.patch(f"/api/v1/participants/{ann.id}", json={field: None})
        unchanged = api.get(f"/api/v1/participants/{ann.id}").json()
    assert reply.status_code == 422
    assert [problem["field"] for problem in reply.json()["errors"]] == [field]
    assert unchanged["email"] == "ann@example.org" and unchanged["name"] == "Ann Smith"


def test_null_for_an_organisation_name_is_a_422(server, ann) -> None:
    with server.organiser() as api:
        reply = api.patch(f"/api/v1/organisations/{ann.organisation_id}", json={"name": None})
    assert reply.status_code == 422 and reply.json()["errors"][0]["field"] == "name"


def test_null_sector_still_clears_it(server, ann) -> None:
    with server.organiser() as api:
        reply = api.patch(f"/api/v1/participants/{ann.id}", json={"sector": None})
    assert reply.status_code == 200 and reply.json()["sector"] is None


def _stored(server: LiveServer, email: str) -> tuple[str, str, str | None]:
    with server.database.read_session() as session:
        person = session.exec(select(Participant).where(Participant.email == email)).one()
        organisation = session.get(Organisation, person.organisation_id)
    return person.name, organisation.name, person.sector


def test_names_are_normalised_through_the_api(server) -> None:
    with server.client() as http:
        reply = http.post(
            "/api/v1/signups",
            json={
                "name": SNEAKY_NAME,
                "email": "ann@example.org",
                "organisation": SNEAKY_ORGANISATION,
                "sector": SNEAKY_SECTOR,
            },
        )
    assert reply.status_code == 202
    assert _stored(server, "ann@example.org") == (
        "Ann Smith",
        "Devon County Council",
        "Local finance",
    )


def test_names_are_normalised_through_the_sign_up_page(server) -> None:
    with server.client() as http:
        csrf = hidden_field(http.get("/").text, "csrf_token")
        reply = http.post(
            "/signup",
            data={
                "csrf_token": csrf,
                "name": SNEAKY_NAME,
                "email": "bo@example.org",
                "organisation": SNEAKY_ORGANISATION,
                "sector": SNEAKY_SECTOR,
            },
        )
    assert reply.status_code == 303
    assert _stored(server, "bo@example.org") == (
        "Ann Smith",
        "Devon County Council",
        "Local finance",
    )


def test_a_name_of_only_invisible_characters_is_empty(server) -> None:
    with server.client() as http:
        reply = http.post(
            "/api/v1/signups",
            json={"name": "\u200b\u202e", "email": "x@example.org", "organisation": "Acme"},
        )
    assert reply.status_code == 422
    assert reply.json()["errors"] == [{"field": "name", "message": "Please enter a name."}]


def test_a_name_that_grows_past_the_limit_when_normalised_is_refused(server) -> None:
    # U+FDFA is one character that NFKC spells out in 18.
    with server.organiser() as api:
        reply = api.post(
            "/api/v1/participants",
            json={"name": "\ufdfa" * 20, "email": "y@example.org", "organisation": "Acme"},
        )
    assert reply.status_code == 422 and reply.json()["errors"][0]["field"] == "name"
