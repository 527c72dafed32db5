"""The outputs for following the network: the animation, round pages, connectivity, feed, cards.

Over HTTP against the real app and database. Privacy (canaries, public_min_people) is checked
with the other public outputs in test_public_and_stats.py and test_public_privacy.py.
"""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import feedparser
import numpy as np
import pytest
from PIL import Image

from tests.conftest import LiveServer
from unmentor.clock import utcnow
from unmentor.rounds.forming import form_round

NEW_PATHS = (
    "/public/network.gif",
    "/public/connectivity.svg",
    "/public/connectivity.png",
    "/public/feed.atom",
    "/public/rounds/1/",
    "/public/rounds/1/card.png",
)


@pytest.fixture
def two_closed_one_open(server: LiveServer, history) -> None:
    """Rounds 1 and 2 answered and closed, round 3 formed and open; 12 people, four sectors."""
    history.people(["Health", "Housing", "Arts", "Education"] * 3)
    history.round(1)
    history.round(2, not_met_groups=2)
    form_round(
        database=server.database,
        settings=server.settings,
        today=date(2027, 3, 2),
        now=utcnow(),
        seed=3,
    )


def test_animation_has_a_frame_per_round(server: LiveServer, two_closed_one_open) -> None:
    with server.client() as http:
        response = http.get("/public/network.gif")
    assert response.status_code == 200 and response.headers["content-type"] == "image/gif"
    with Image.open(BytesIO(response.content)) as gif:
        assert gif.n_frames == 3 and gif.size == (900, 720)
        frames = []
        for i in range(3):
            gif.seek(i)
            frames.append(gif.convert("RGB"))
    # Red (did not meet) appears from round 1 on, and each frame adds lines and people.
    red = [_count(frame, (0xD6, 0x27, 0x28)) for frame in frames]
    assert all(count > 0 for count in red)
    inked = [_count(frame, (255, 255, 255), other=True) for frame in frames]
    assert inked[0] < inked[1] < inked[2]


def _count(image: Image.Image, colour: tuple[int, int, int], *, other: bool = False) -> int:
    pixels = np.asarray(image, dtype=np.int64).reshape(-1, 3)
    near = int((np.abs(pixels - np.array(colour)).max(axis=1) < 40).sum())
    return len(pixels) - near if other else near


def test_round_page_links_to_its_neighbours(server: LiveServer, two_closed_one_open) -> None:
    with server.client() as http:
        first, second, third = (http.get(f"/public/rounds/{n}/").text for n in (1, 2, 3))
        missing = [http.get(path).status_code for path in (
            "/public/rounds/0/", "/public/rounds/4/", "/public/rounds/abc/",
            "/public/rounds/4/card.png",
        )]  # fmt: skip
    assert missing == [404] * 4
    assert 'id="previous"' not in first and 'href="/public/rounds/2/"' in first
    assert 'href="/public/rounds/1/"' in second and 'href="/public/rounds/3/"' in second
    assert 'id="next"' not in third and "still open" in third
    assert 'src="/public/rounds/2/network.svg"' in second
    assert re.search(r"<li>\d+ people took part</li>", second)
    assert re.search(r"<li>\d+ met, \d+ did not meet</li>", second)


def test_public_pages_carry_share_tags_and_embed_snippets(
    server: LiveServer, two_closed_one_open
) -> None:
    base = server.settings.base_url
    with server.client() as http:
        page = http.get("/public/rounds/2/").text
        gallery = http.get("/public/").text
    for html, card in ((page, 2), (gallery, 3)):
        assert f'<meta property="og:image" content="{base}/public/rounds/{card}/card.png">' in html
        assert '<meta name="twitter:card" content="summary_large_image">' in html
        assert f'href="{base}/public/feed.atom"' in html
    snippet = re.search(r"<pre><code>(&lt;img [^<]*&gt;)</code></pre>", page).group(1)
    assert f'src="{base}/public/rounds/2/network.svg"' in snippet.replace("&#34;", '"')
    assert 'width="1200" height="960" alt="Round 2:' in snippet.replace("&#34;", '"')


def test_card_is_1200_by_630(server: LiveServer, two_closed_one_open) -> None:
    with server.client() as http:
        response = http.get("/public/rounds/2/card.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    with Image.open(BytesIO(response.content)) as card:
        assert card.size == (1200, 630)


def test_connectivity_chart_and_table(server: LiveServer, two_closed_one_open) -> None:
    with server.client() as http:
        svg = http.get("/public/connectivity.svg").text
        gallery = http.get("/public/").text
    for line in ("largest_group", "cross_sector", "organisations_met"):
        assert f'id="line-{line}"' in svg
    table = re.search(r'<table id="connectivity".*?</table>', gallery, re.S).group(0)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", table, re.S)
    assert len(rows) == 3 and "answers still coming in" in rows[2]
    # Round 1: six pairs; at most one met group of six people among twelve... every share shown.
    assert all(re.search(r"<td>\d+%</td>", row) for row in rows)


def test_feed_is_valid_atom_with_an_entry_per_closed_round(
    server: LiveServer, two_closed_one_open
) -> None:
    with server.client() as http:
        body = http.get("/public/feed.atom")
    assert body.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(body.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    # What RFC 4287 requires of a feed: id, title, updated, an author (none per entry here).
    assert feed.feed.title and feed.feed.id and feed.feed.updated_parsed
    assert feed.feed.author == "UnMentor"
    assert any(
        link.rel == "self" and link.href.endswith("/public/feed.atom") for link in feed.feed.links
    )
    assert [e.title for e in feed.entries] == ["Round 2", "Round 1"], "closed rounds, newest first"
    for entry in feed.entries:
        assert entry.id.startswith("tag:127.0.0.1,2027-")
        assert entry.updated_parsed and entry.link.endswith("/")
        content = entry.content[0].value
        img = re.search(r"<img [^>]*>", content).group(0)
        assert re.search(r'src="http://[^"]+/public/rounds/\d/network.png"', img)
        assert 'width="1200"' in img and 'height="960"' in img and 'alt="Round ' in img
        assert "people took part" in content
    assert feed.feed.updated_parsed == max(e.updated_parsed for e in feed.entries)


def test_feed_ids_stay_when_a_round_is_added(server: LiveServer, history) -> None:
    history.people(["Health", "Housing", "Arts", "Education"] * 3)
    history.round(1)
    with server.client() as http:
        before = feedparser.parse(http.get("/public/feed.atom").content)
        history.round(2)
        after = feedparser.parse(http.get("/public/feed.atom").content)
    assert [e.id for e in after.entries][1:] == [e.id for e in before.entries]
    assert after.entries[1].updated == before.entries[0].updated
    assert len(after.entries) == 2 and after.entries[0].id != after.entries[1].id


def test_new_outputs_are_cached_and_answer_head(server: LiveServer, two_closed_one_open) -> None:
    with server.client() as http:
        first = {path: http.get(path) for path in NEW_PATHS}
        assert {path: r.status_code for path, r in first.items()} == dict.fromkeys(NEW_PATHS, 200)
        builds = server.images.cache.builds
        for path, got in first.items():
            head = http.head(path)
            assert head.status_code == 200 and head.content == b"", path
            assert head.headers["content-type"] == got.headers["content-type"]
            if "etag" in got.headers:
                again = http.get(path, headers={"If-None-Match": got.headers["etag"]})
                assert again.status_code == 304, path
    assert server.images.cache.builds == builds, "served from the cache, not drawn again"
