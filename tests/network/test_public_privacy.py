"""Every public output leaves out rounds smaller than public_min_people, and rare sectors.

Checked by content, over HTTP, against the real app and database: a small round in the middle
of the history (round 2 of 3) must leave no picture, line, point, bar, mark or text anywhere
under /public/, while organisers still see it in full.
"""

from __future__ import annotations

import re
from io import BytesIO

import feedparser
import pytest
from PIL import Image

from tests.conftest import LiveServer
from unmentor.people.models import ParticipantStatus

RARE_SECTOR = "Zyzzyva Lighthouse Keeping"


@pytest.fixture
def small_middle_round(server: LiveServer, history) -> None:
    """Round 1: 14 people; round 2: only 4 (below public_min_people = 10); round 3: 14 again."""
    assert server.settings.public_min_people == 10
    ids = history.people(["Health"] * 14)
    history.round(1)
    history.set_status(ids[4:], ParticipantStatus.pending)
    history.round(2, not_met_groups=2)
    history.set_status(ids[4:], ParticipantStatus.active)
    history.round(3)


def _get(server: LiveServer, path: str) -> str:
    with server.client() as http:
        response = http.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.text


def test_gallery_leaves_the_small_round_out(server: LiveServer, small_middle_round) -> None:
    page = _get(server, "/public/")
    assert "/public/rounds/1/network.svg" in page and "/public/rounds/3/network.svg" in page
    assert "/public/rounds/2/" not in page
    assert "Round 2" not in page


def test_alt_texts_leave_the_small_round_out(server: LiveServer, small_middle_round) -> None:
    page = _get(server, "/public/")
    alts = re.findall(r'alt="(Round \d+:[^"]*)"', page)
    assert sorted({alt.split(":")[0] for alt in alts}) == ["Round 1", "Round 3"]
    # Counts too: round 3's network has the 14 people of rounds 1 and 3, and only their links.
    assert any(alt.startswith("Round 3: 14 people in the network, 7 groups") for alt in alts)


def test_small_round_has_no_picture_of_its_own(server: LiveServer, small_middle_round) -> None:
    with server.client() as http:
        for fmt in ("svg", "png"):
            response = http.get(f"/public/rounds/2/network.{fmt}")
            assert response.status_code == 404
            assert response.headers["content-type"].startswith("text/html")
            assert b"<svg" not in response.content and b"PNG" not in response.content


def test_later_round_pictures_have_no_line_of_the_small_round(
    server: LiveServer, small_middle_round
) -> None:
    svg = _get(server, "/public/rounds/3/network.svg")
    assert 'id="edges-r1-' in svg and 'id="edges-r3-' in svg
    assert 'id="edges-r2-' not in svg


def test_whole_network_has_no_line_of_the_small_round(
    server: LiveServer, small_middle_round
) -> None:
    svg = _get(server, "/public/network.svg")
    assert 'id="edges-r3-' in svg
    assert 'id="edges-r2-' not in svg


def test_growth_chart_has_no_mark_of_the_small_round(
    server: LiveServer, small_middle_round
) -> None:
    svg = _get(server, "/public/growth.svg")
    assert 'id="round-1"' in svg and 'id="round-3"' in svg
    assert 'id="round-2"' not in svg
    assert ">R2<" not in svg and ">R3<" in svg
    # Two points on each line (rounds 1 and 3): the line's path has two vertices.
    line = re.search(r'<g id="line-active">.*?<path d="([^"]*)"', svg, re.S).group(1)
    assert len(re.findall(r"[ML]", line)) == 2


def test_outcomes_chart_has_no_bar_of_the_small_round(
    server: LiveServer, small_middle_round
) -> None:
    svg = _get(server, "/public/outcomes.svg")
    bars = set(re.findall(r'id="bars-\w+-r(\d+)"', svg))
    assert bars == {"1", "3"}


def test_small_round_has_no_page_card_or_entry(server: LiveServer, small_middle_round) -> None:
    with server.client() as http:
        for path in ("/public/rounds/2/", "/public/rounds/2/card.png"):
            response = http.get(path)
            assert response.status_code == 404, path
            assert b"PNG" not in response.content and "Round 2:" not in response.text
        first, third = http.get("/public/rounds/1/").text, http.get("/public/rounds/3/").text
        feed = feedparser.parse(http.get("/public/feed.atom").content)
    # Round 1's next round and round 3's previous one skip the small round.
    assert 'id="next" href="/public/rounds/3/"' in first
    assert 'id="previous" href="/public/rounds/1/"' in third
    assert "/public/rounds/2/" not in first + third
    assert [entry.title for entry in feed.entries] == ["Round 3", "Round 1"]
    assert "rounds/2/" not in "".join(entry.content[0].value for entry in feed.entries)


def test_animation_has_no_frame_of_the_small_round(server: LiveServer, small_middle_round) -> None:
    with server.client() as http:
        gif = http.get("/public/network.gif").content
    with Image.open(BytesIO(gif)) as image:
        assert image.n_frames == 2, "rounds 1 and 3 only"


def test_connectivity_has_no_point_of_the_small_round(
    server: LiveServer, small_middle_round
) -> None:
    svg = _get(server, "/public/connectivity.svg")
    line = re.search(r'<g id="line-cross_sector">.*?<path d="([^"]*)"', svg, re.S)
    assert line is None or len(re.findall(r"[ML]", line.group(1))) <= 2
    group = re.search(r'<g id="line-largest_group">.*?<path d="([^"]*)"', svg, re.S).group(1)
    assert len(re.findall(r"[ML]", group)) == 2
    table = re.search(r'<table id="connectivity".*?</table>', _get(server, "/public/"), re.S)
    rounds = re.findall(r'<th scope="row"><a href="/public/rounds/(\d+)/">', table.group(0))
    assert rounds == ["1", "3"]


def test_organisations_picture_has_no_conversation_of_the_small_round(
    server: LiveServer, history
) -> None:
    """As small_middle_round, but round 2's pairs met: they must still not be counted."""
    ids = history.people(["Health"] * 14)
    history.round(1, not_met_groups=0)
    history.set_status(ids[4:], ParticipantStatus.pending)
    history.round(2, not_met_groups=0)
    history.set_status(ids[4:], ParticipantStatus.active)
    history.round(3, not_met_groups=0)
    svg = _get(server, "/public/organisations.svg")
    # Rounds 1 and 3: seven pairs each, all met; round 2's two pairs are left out.
    assert "14 conversations held" in svg


def test_organisers_still_see_the_small_round(
    server: LiveServer, small_middle_round, organiser_pages
) -> None:
    http = organiser_pages()
    picture = http.get("/organiser/images/rounds/2/network.svg")
    assert picture.status_code == 200 and 'id="edges-r2-not_met"' in picture.text
    with server.organiser() as api:
        stats = api.get("/api/v1/stats").json()
    assert [r["round_number"] for r in stats["rounds"]] == [1, 2, 3]


def test_a_rare_sector_is_shown_publicly_as_other(
    server: LiveServer, history, organiser_pages
) -> None:
    history.people(["Health"] * 11 + [RARE_SECTOR] * 3)
    history.round(1)
    public = [_get(server, path) for path in ("/public/", "/public/rounds/1/network.svg")]
    for path in ("/public/network.svg", "/public/rounds/1/", "/public/feed.atom"):
        public.append(_get(server, path))
    public.append(_get(server, "/public/organisations.svg"))
    assert all(RARE_SECTOR not in text for text in public)
    legend = re.search(r'<g id="legend">.*', public[1], re.S).group(0)
    assert ">Health<" in legend and ">Other<" in legend, "11 share Health: it is named"
    private = organiser_pages().get("/organiser/images/rounds/1/network.svg").text
    assert RARE_SECTOR in private, "organisers see every sector"
