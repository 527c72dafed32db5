"""/public/organisations.svg|png over HTTP: sectors by default, organisations named only when the
deployment allows it and only those with at least public_min_people people shown; small rounds
left out; cached, HEAD-able, titled with the scheme's name."""

from __future__ import annotations

import re

import pytest

from tests.conftest import LiveServer
from unmentor.clock import utcnow
from unmentor.network.images import NetworkImages
from unmentor.people.models import Organisation, Participant, ParticipantStatus

BIG = "Grand Canary Hospital Trust"  # 10 members: may be named when allowed
SMALL = "Tiny Canary Parish Council"  # 9 members: never named in public
OTHERS = ["Beta Works", "Gamma Housing"]


@pytest.fixture
def server_overrides() -> dict:
    return {"public_show_organisations": True, "scheme_name": "Canary Conversations"}


def _people(server: LiveServer) -> list[int]:
    """BIG: 10 people, SMALL: 9, and 10 more in two other organisations, all active; ids."""
    now = utcnow()
    sizes = {BIG: 10, SMALL: 9, OTHERS[0]: 5, OTHERS[1]: 5}
    made = []
    with server.database.session() as session:
        n = 0
        for name, size in sizes.items():
            org = Organisation(name=name, name_key=name.lower(), created_at=now)
            session.add(org)
            session.flush()
            for _ in range(size):
                person = Participant(
                    name=f"Member {n}",
                    email=f"member{n}@example.org",
                    organisation_id=org.id,
                    sector=["Health", "Housing"][n % 2],
                    status=ParticipantStatus.active,
                    created_at=now,
                    updated_at=now,
                )
                session.add(person)
                made.append(person)
                n += 1
        session.flush()
        return [p.id for p in made]


def _get(server: LiveServer, path: str):
    with server.client() as http:
        return http.get(path)


def _held(svg: str) -> int:
    return int(re.search(r"(\d+) conversations held", svg).group(1))


def test_only_organisations_with_enough_people_are_named(server: LiveServer, history) -> None:
    _people(server)
    history.round(1, not_met_groups=0)
    svg = _get(server, "/public/organisations.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert BIG in svg.text, "ten people shown: at public_min_people, it may be named"
    assert SMALL not in svg.text and not any(o in svg.text for o in OTHERS)
    assert "Other organisations" in svg.text
    assert "Canary Conversations: conversations between organisations" in svg.text
    png = _get(server, "/public/organisations.png")
    assert png.content.startswith(b"\x89PNG")
    assert SMALL.encode() not in png.content


def test_head_answers_like_get_without_a_body(server: LiveServer, history) -> None:
    _people(server)
    history.round(1)
    with server.client() as http:
        got = http.get("/public/organisations.png")
        head = http.head("/public/organisations.png")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == "image/png"
    assert head.headers["etag"] == got.headers["etag"]


def test_drawn_once_and_served_from_the_cache(server: LiveServer, history) -> None:
    _people(server)
    history.round(1)
    with server.client() as http:
        first = http.get("/public/organisations.svg")
        builds = server.images.cache.builds
        again = [http.get("/public/organisations.svg") for _ in range(3)]
    assert all(r.content == first.content for r in again)
    assert server.images.cache.builds == builds


def test_a_small_round_adds_no_conversation(server: LiveServer, history) -> None:
    """Round 2 has 4 people (below public_min_people): its met pairs are not counted."""
    ids = _people(server)
    history.round(1, not_met_groups=0)
    held_before = _held(_get(server, "/public/organisations.svg").text)
    history.set_status(ids[4:], ParticipantStatus.pending)
    history.round(2, not_met_groups=0)
    history.set_status(ids[4:], ParticipantStatus.active)
    svg = _get(server, "/public/organisations.svg").text
    assert _held(svg) == held_before, "the small round's conversations stay out"


def test_nothing_published_is_not_found(server: LiveServer) -> None:
    assert _get(server, "/public/organisations.svg").status_code == 404


def test_round_pictures_carry_the_scheme_and_the_month(server: LiveServer, history) -> None:
    _people(server)
    history.round(3)
    svg = _get(server, "/public/rounds/1/network.svg").text
    assert "Canary Conversations: the network after round 1, March 2027" in svg


def test_sectors_only_when_names_are_not_allowed(server: LiveServer, history) -> None:
    """The same community with the default (false): no organisation name at all."""
    _people(server)
    history.round(1)

    images = NetworkImages(server.database, min_people=10)  # show_organisations defaults off
    picture = images.organisations(images.snapshot().public)
    text = picture.content.decode()
    assert BIG not in text and SMALL not in text and "Other organisations" not in text
    assert "Health" in text and "Housing" in text
