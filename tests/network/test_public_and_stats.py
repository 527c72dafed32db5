"""Public pictures and organiser stats, read from the database and checked by content."""

from __future__ import annotations

import re
from datetime import date

import feedparser
import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from unmentor.clock import utcnow
from unmentor.people.models import Organisation, Participant, ParticipantStatus
from unmentor.privacy import erasure
from unmentor.rounds import outcomes
from unmentor.rounds.forming import form_round
from unmentor.rounds.models import Outcome, Round, RoundMember

CANARY_NAMES = ["Zebulon Quixote", "Ottoline Vantablack"]
CANARY_ORGANISATIONS = ["Canaryville Borough Council", "Quillfeather Health Trust"]
FIRST_ID = 7_340_001  # ids that cannot be mistaken for coordinates in an SVG


def _community(server: LiveServer, people: int = 12) -> list[Participant]:
    now = utcnow()
    with server.database.session() as session:
        organisations = []
        for name in [*CANARY_ORGANISATIONS, "Third Org", "Fourth Org"]:
            org = Organisation(name=name, name_key=name.lower(), created_at=now)
            session.add(org)
            organisations.append(org)
        session.flush()
        made = []
        for i in range(people):
            name = CANARY_NAMES[i] if i < len(CANARY_NAMES) else f"Person Number{i}"
            person = Participant(
                id=FIRST_ID + i,
                name=name,
                email=f"canary{i}@canary-mail.example",
                organisation_id=organisations[i % 4].id,
                sector=["Health", "Local government"][i % 2],
                status=ParticipantStatus.active,
                created_at=now,
                updated_at=now,
            )
            session.add(person)
            made.append(person)
    return made


def _two_rounds(server: LiveServer) -> list[Round]:
    """Round 1 closed with one group not met and the rest met; round 2 open."""
    made = []
    for month in (1, 2):
        formed = form_round(
            database=server.database,
            settings=server.settings,
            today=date(2027, month, 2),
            now=utcnow(),
            seed=month,
        )
        made.append(formed.round)
    with server.database.session() as session:
        members = session.exec(
            select(RoundMember)
            .where(RoundMember.round_id == made[0].id)
            .order_by(RoundMember.group_no)
        ).all()
        for member in members:
            member.outcome = Outcome.not_met if member.group_no == 1 else Outcome.met
            session.add(member)
        outcomes.close_round(
            session=session,
            settings=server.settings,
            round_=session.get(Round, made[0].id),
            now=utcnow(),
        )
    return made


def _edges(svg: str, round_number: int, outcome: str) -> int:
    match = re.search(rf'<g id="edges-r{round_number}-{outcome}">(.*?)</g>', svg, re.S)
    return len(re.findall(r"<path ", match.group(1))) if match else 0


@pytest.fixture
def published(server: LiveServer):
    people = _community(server)
    rounds = _two_rounds(server)
    return people, rounds


def test_round_picture_has_the_red_edges_of_its_outcomes(server: LiveServer, published) -> None:
    with server.client() as http:
        first = http.get("/public/rounds/1/network.svg")
        second = http.get("/public/rounds/2/network.svg")
    assert first.status_code == 200 and first.headers["content-type"] == "image/svg+xml"
    assert _edges(first.text, 1, "not_met") == 1
    assert _edges(first.text, 1, "met") == 5
    assert _edges(second.text, 2, "pending") == 6
    assert _edges(second.text, 1, "not_met") == 1, "earlier rounds stay in the picture"


def test_nothing_identifying_is_published(server: LiveServer, published) -> None:
    people, _ = published
    with server.client() as http:
        pages = [http.get(path).text for path in (
            "/public/", "/public/rounds/1/network.svg", "/public/rounds/2/network.svg",
            "/public/network.svg", "/public/growth.svg", "/public/outcomes.svg",
            "/public/rounds/1/", "/public/rounds/2/", "/public/connectivity.svg",
            "/public/feed.atom", "/public/organisations.svg",
        )]  # fmt: skip
        png = b"".join(http.get(path).content for path in (
            "/public/rounds/1/network.png", "/public/network.gif",
            "/public/rounds/1/card.png", "/public/rounds/2/card.png",
            "/public/connectivity.png", "/public/organisations.png",
        ))  # fmt: skip
    everything = "\n".join(pages)
    for canary in [*CANARY_NAMES, *CANARY_ORGANISATIONS, "canary-mail", "Person Number"]:
        assert canary not in everything
        assert canary.encode() not in png
    for person in people:
        assert str(person.id) not in everything
    # Six people per sector, below public_min_people (10): both sectors are shown as "Other".
    assert "Health" not in everything and "Local government" not in everything
    assert "Other" in pages[1]


def test_small_rounds_are_not_published(server: LiveServer, make_settings) -> None:
    _community(server, people=6)
    _two_rounds(server)
    with server.client() as http:
        gallery = http.get("/public/")
        image = http.get("/public/rounds/1/network.svg")
        whole = http.get("/public/network.svg")
    assert "No rounds are published yet" in gallery.text
    assert image.status_code == 404 and whole.status_code == 404
    with server.client() as http:
        for path in ("/public/network.gif", "/public/rounds/1/", "/public/rounds/1/card.png"):
            assert http.get(path).status_code == 404, path
        feed = feedparser.parse(http.get("/public/feed.atom").content)
        connectivity = http.get("/public/connectivity.svg").text
    assert not feed.bozo and feed.entries == []
    assert '<g id="line-largest_group">' not in connectivity, "an empty line, no point"


def test_erased_people_vanish_from_the_pictures(server: LiveServer, published) -> None:
    people, _ = published
    with server.client() as http:
        before = http.get("/public/rounds/2/network.svg").text
        with server.database.session() as session:
            erasure.erase(
                session=session, participant_id=people[0].id, settings=server.settings, now=utcnow()
            )
        after = http.get("/public/rounds/2/network.svg").text

    def links(svg):
        return sum(_edges(svg, r, o) for r in (1, 2) for o in ("met", "not_met", "pending"))

    assert links(after) == links(before) - 2, "their two links are gone"
    assert after != before


def test_gallery_lists_published_rounds_with_counts_only(server: LiveServer, published) -> None:
    with server.client() as http:
        page = http.get("/public/").text
    assert 'src="/public/rounds/1/network.svg"' in page
    assert 'src="/public/rounds/2/network.svg"' in page
    assert re.search(r'alt="[^"]*\d+ people', page)


def test_stats_for_organisers(server: LiveServer, published) -> None:
    with server.organiser() as http:
        stats = http.get("/api/v1/stats").json()
        anonymous = http.get("/api/v1/stats", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    assert stats["participants"]["active"] == 12
    first, second = stats["rounds"]
    assert (first["round_number"], first["met"], first["not_met"]) == (1, 5, 1)
    assert first["period"] == "2027-01"
    assert second["pending"] == 6 and second["people"] == 12
    assert second["components"] >= 1 and 0 < second["largest_component_share"] <= 1
    assert first["organisations"] == 4
    assert stats["few_fresh_partners"]["below"] == 3
