"""Suggestions of existing organisations: names only, a few, only with a confirmed member."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import post_form, sign_in_by_link
from unmentor.clock import utcnow
from unmentor.people import organisations
from unmentor.people.models import Organisation, Participant, ParticipantStatus


@pytest.fixture
def server_overrides() -> dict:
    return {"organisation_suggestions": 3}


def test_suggestions_are_few_names_of_organisations_with_confirmed_members(
    server: LiveServer,
) -> None:
    with server.database.session() as session:
        for n in range(5):
            make_participant(session, organisation=f"Health Trust {n}")
        make_participant(session, organisation="Health Hidden", status=ParticipantStatus.pending)
        gone = make_participant(session, organisation="Health Gone").organisation_id
        into = make_participant(session, organisation="Elsewhere").organisation_id
        organisations.merge(session=session, source_id=gone, target_id=into, now=utcnow())
    with server.client() as http:
        found = http.get("/api/v1/organisation-suggestions", params={"q": "health"})
        typo = http.get("/api/v1/organisation-suggestions", params={"q": "helth trust 4"})
        short = http.get("/api/v1/organisation-suggestions", params={"q": "h"})
        extra = http.get("/api/v1/organisation-suggestions", params={"q": "x", "who": "1"})
    assert found.status_code == 200
    body = found.json()
    assert len(body) == 3 and all(set(item) == {"name", "owns_your_domain"} for item in body)
    assert all(item["name"].startswith("Health Trust") for item in body)
    assert "Health Trust 4" in [item["name"] for item in typo.json()]
    assert short.json() == []
    assert extra.status_code == 422


def test_a_member_changes_organisation_on_me(server: LiveServer, mailbox) -> None:
    with server.database.session() as session:
        make_participant(session, email="ann@example.org", organisation="Devon CC")
        make_participant(session, organisation="Devon County Council")
    with server.client() as http:
        sign_in_by_link(server, http, mailbox, "ann@example.org")
        page = http.get("/me").text
        assert "data-suggest-organisations" in page and 'src="/static/suggest.js"' in page
        moved = post_form(http, "/me/organisation", organisation=" devon county COUNCIL ")
        assert moved.status_code == 303
        with server.database.read_session() as session:
            ann = session.exec(
                select(Participant).where(Participant.email == "ann@example.org")
            ).one()
            council = session.exec(
                select(Organisation).where(Organisation.name == "Devon County Council")
            ).one()
        assert ann.organisation_id == council.id
        blank = post_form(http, "/me/organisation", organisation="  ")
        assert blank.status_code == 303
        assert "None (you may meet anyone)" in http.get("/me").text


def test_a_blank_organisation_from_an_owned_domain_is_offered_once(server: LiveServer) -> None:
    from tests.support import hidden_field
    from unmentor.people import domains

    with server.database.session() as session:
        owner = make_participant(session, organisation="Devon County Council").organisation_id
        domains.add_domain(
            session=session,
            organisation_id=owner,
            domain="devon.gov.uk",
            webmail=server.settings.webmail,
            now=utcnow(),
        )
    with server.client() as http:
        form = http.get("/").text
        data = {
            "csrf_token": hidden_field(form, "csrf_token"),
            "name": "Di",
            "email": "di@devon.gov.uk",
            "organisation": "",
        }
        offer = http.post("/signup", data=data)
        assert offer.status_code == 200 and 'id="organisation-offered"' in offer.text
        assert 'value="Devon County Council"' in offer.text
        declined = http.post("/signup", data={**data, "offered": "1"})
        assert declined.status_code == 303
    with server.database.read_session() as session:
        di = session.exec(select(Participant).where(Participant.email == "di@devon.gov.uk")).one()
    assert di.organisation_id is None, "a second blank answer is the person's choice"
