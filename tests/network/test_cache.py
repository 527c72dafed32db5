"""Public pictures are drawn once per change of what they show, and a crowd costs one drawing.

Over HTTP against the real app and database; the app's own counters (`loads`: network reloads,
`cache.builds`: things built) say what work a request caused.
"""

from __future__ import annotations

import threading
from datetime import date

import httpx
import pytest
from sqlmodel import select

from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds.models import Outcome, RoundMember

PICTURE = "/public/rounds/1/network.svg"


@pytest.fixture
def one_round(history) -> None:
    history.people(["Health"] * 14)
    history.round(1, not_met_groups=1)


def _not_met(svg: str) -> int:
    start = svg.find('<g id="edges-r1-not_met">')
    return 0 if start < 0 else svg[start : svg.index("</g>", start)].count("<path ")


def test_a_cached_picture_costs_no_reload_and_no_drawing(server, one_round) -> None:
    with server.client() as http:
        first = http.get(PICTURE)
        loads, builds = server.images.loads, server.images.cache.builds
        again = [http.get(PICTURE) for _ in range(5)]
    assert all(r.content == first.content for r in again)
    assert (server.images.loads, server.images.cache.builds) == (loads, builds)


def test_a_change_to_what_is_drawn_draws_again(server, one_round) -> None:
    with server.client() as http:
        before = http.get(PICTURE)
        with server.database.session() as session:
            member = session.exec(select(RoundMember).where(RoundMember.group_no == 2)).first()
            group = session.exec(
                select(RoundMember).where(
                    RoundMember.round_id == member.round_id, RoundMember.group_no == 2
                )
            ).all()
            for m in group:
                m.outcome = Outcome.not_met
                session.add(m)
        after = http.get(PICTURE)
    assert _not_met(before.text) == 1 and _not_met(after.text) == 2
    assert after.headers["etag"] != before.headers["etag"]


def test_a_change_nothing_public_shows_reloads_but_does_not_draw(server, one_round) -> None:
    with server.client() as http:
        before = http.get(PICTURE)
        builds = server.images.cache.builds
        loads = server.images.loads
        with server.database.session() as session:
            person = session.exec(select(Participant)).first()
            person.status = ParticipantStatus.paused  # bumps the data version
            person.paused_until = date(2099, 1, 1)
            session.add(person)
        after = http.get(PICTURE)
    assert server.images.loads == loads + 1, "the version moved: the network is read again"
    assert server.images.cache.builds == builds, "but the public view is the same: no drawing"
    assert after.content == before.content


def test_revalidation_with_the_etag_gets_304(server, one_round) -> None:
    with server.client() as http:
        first = http.get(PICTURE)
        tag = first.headers["etag"]
        same = http.get(PICTURE, headers={"If-None-Match": tag})
        listed = http.get(PICTURE, headers={"If-None-Match": f'"other", W/{tag}'})
        stale = http.get(PICTURE, headers={"If-None-Match": '"not-this-one"'})
    assert first.status_code == 200 and tag.startswith('"')
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == tag
    assert listed.status_code == 304
    assert stale.status_code == 200 and stale.content == first.content


def test_svg_goes_gzipped_to_clients_that_take_it(server, one_round) -> None:
    with server.client() as http:
        plain = http.get(PICTURE, headers={"Accept-Encoding": "identity"})
        packed = http.get(PICTURE, headers={"Accept-Encoding": "gzip, deflate"})
        again = http.get(PICTURE, headers={"If-None-Match": packed.headers["etag"]})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(plain.content) / 3
    assert packed.content == plain.content, "httpx decodes it back to the very same SVG"
    assert packed.headers["etag"] != plain.headers["etag"], "one strong ETag per encoding"
    assert again.status_code == 304
    assert plain.headers["vary"] == packed.headers["vary"] == "Accept-Encoding"


def test_a_crowd_on_a_cold_cache_costs_one_load_and_one_drawing(server, one_round) -> None:
    crowd = 16
    start = threading.Barrier(crowd)
    bodies: list[bytes] = []

    def reader() -> None:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            start.wait()
            response = http.get(PICTURE)
            assert response.status_code == 200
            bodies.append(response.content)

    readers = [threading.Thread(target=reader) for _ in range(crowd)]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join()
    assert len(bodies) == crowd and len(set(bodies)) == 1
    assert server.images.loads == 1
    assert server.images.cache.builds == 2, "one layout, one picture"


def test_organiser_stats_are_computed_once_per_version(server, history, one_round) -> None:
    with server.organiser() as http:
        first = http.get("/api/v1/stats").json()
        builds = server.images.cache.builds
        second = http.get("/api/v1/stats").json()
        assert server.images.cache.builds == builds
        history.round(2, not_met_groups=0)
        third = http.get("/api/v1/stats").json()
    assert first == second
    assert [r["round_number"] for r in third["rounds"]] == [1, 2]
