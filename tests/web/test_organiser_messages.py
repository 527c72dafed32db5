"""Organiser actions say what they did, at the top of the page they land on; closing asks first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.conftest import LiveServer
from tests.factories import make_community
from tests.support import ORGANISER_TOKEN, hidden_field
from unmentor.clock import utcnow
from unmentor.rounds.forming import form_round
from unmentor.rounds.tokens import outcome_token
from unmentor.web.flash import FLASH_COOKIE

STATUS = re.compile(r'<p id="flash" class="flash notice" role="status"[^>]*>(.*?)</p>', re.S)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@contextmanager
def organiser_pages(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as http:
        form = http.get("/organiser")
        signed_in = http.post(
            "/organiser/signin",
            data={"csrf_token": hidden_field(form.text, "csrf_token"), "token": ORGANISER_TOKEN},
        )
        assert signed_in.status_code == 303
        yield http


def message(html: str) -> str | None:
    found = STATUS.search(html)
    return found.group(1) if found else None


def post_and_land(http: httpx.Client, path: str, **data) -> tuple[httpx.Response, str]:
    """POST a form from the page at `path`'s own CSRF token; the redirect and the page it opens."""
    csrf = hidden_field(http.get("/organiser/dashboard").text, "csrf_token")
    sent = http.post(path, data={"csrf_token": csrf, **data})
    assert sent.status_code == 303, sent.text
    return sent, http.get(sent.headers["location"]).text


def _open_round(server: LiveServer, sizes: dict[str, int]):
    with server.database.session() as session:
        people = make_community(session, sizes)
    now = utcnow()
    formed = form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=3
    )
    return formed.round, people


def test_re_sending_an_introduction_says_to_whom_once(server: LiveServer) -> None:
    round_, (ann, *_) = _open_round(server, {"A": 1, "B": 1})
    with organiser_pages(server) as http:
        sent, page = post_and_land(
            http, f"/organiser/rounds/{round_.number}/resend", participant_id=str(ann.id)
        )
        assert sent.headers["location"] == f"/organiser/rounds/{round_.number}#flash"
        cookie = sent.headers["set-cookie"].lower()
        assert cookie.startswith(f"{FLASH_COOKIE}=") and "httponly" in cookie
        assert "max-age=120" in cookie and "samesite=lax" in cookie
        said = f"The introduction was sent again to {ann.name} &lt;{ann.email}&gt;."
        assert message(page) == said
        assert "autofocus" in STATUS.search(page).group(0)
        # Said once: a reload (or the next page) does not repeat it.
        assert message(http.get(f"/organiser/rounds/{round_.number}").text) is None


def test_closing_asks_first_then_says_what_it_did(server: LiveServer) -> None:
    round_, _ = _open_round(server, {"A": 1, "B": 1, "C": 1})  # one group of three
    with organiser_pages(server) as http:
        round_page = http.get(f"/organiser/rounds/{round_.number}").text
        assert f'href="/organiser/rounds/{round_.number}/close"' in round_page
        assert 'action="/organiser/rounds/1/close"' not in round_page, "no bare close button"
        asked = http.get(f"/organiser/rounds/{round_.number}/close")
        assert asked.status_code == 200
        assert "cannot be undone" in asked.text
        assert "1 group still waiting" in asked.text
        still = http.get(f"/api/v1/rounds/{round_.number}", headers=_bearer()).json()
        assert still["status"] == "open", "showing the question closes nothing"

        _, page = post_and_land(http, f"/organiser/rounds/{round_.number}/close")
        assert message(page) == (
            f"Round {round_.number} is closed. 3 people who had not answered are recorded "
            "as unconfirmed."
        )
        # Once closed, the question is not asked again.
        again = http.get(f"/organiser/rounds/{round_.number}/close")
        assert again.status_code == 303


def test_one_person_is_one_person(server: LiveServer) -> None:
    round_, (ann, _) = _open_round(server, {"A": 1, "B": 1})
    with server.client() as answering:
        token = outcome_token(server.settings.secret_key.get_secret_value(), round_.id, ann.id)
        answering.post("/api/v1/outcomes", json={"token": token, "outcome": "not_met"})
    with organiser_pages(server) as http:
        _, page = post_and_land(http, f"/organiser/rounds/{round_.number}/close")
    assert "1 person who had not answered is recorded as unconfirmed." in message(page)


def test_forming_and_re_rolling_say_what_happened(server: LiveServer) -> None:
    with server.database.session() as session:
        make_community(session, {"A": 3, "B": 2})
    with organiser_pages(server) as http:
        preview = http.get("/organiser/rounds/next", params={"seed": 5})
        assert message(preview.text) is None
        reroll = re.search(r'id="reroll" href="([^"]+)"', preview.text).group(1)
        assert reroll.endswith("&amp;rerolled=1#flash")
        rerolled = http.get(reroll.replace("&amp;", "&").split("#")[0])
        assert message(rerolled.text).startswith("Re-rolled: the groups below are a new draw.")
        _, page = post_and_land(http, "/organiser/rounds", seed="5")
    assert message(page) == (
        "Round 1 formed: 2 groups, 1 person sitting out. The introductions are on their way."
    )


def test_only_our_own_words_are_shown(server: LiveServer) -> None:
    round_, _ = _open_round(server, {"A": 1, "B": 1})
    with organiser_pages(server) as http:
        http.cookies.set(FLASH_COOKIE, "PHNjcmlwdD4.9999999999.forged")
        page = http.get(f"/organiser/rounds/{round_.number}", params={"flash": "<b>hi</b>"})
        assert message(page.text) is None
        assert "<b>hi</b>" not in page.text


def test_never_match_list_changes_are_confirmed(server: LiveServer) -> None:
    with server.database.session() as session:
        ann, bob = make_community(session, {"A": 1, "B": 1})
    with organiser_pages(server) as http:
        _, page = post_and_land(http, "/organiser/blocked", asker=ann.email, other=bob.email)
        assert message(page) == f"{ann.name} and {bob.name} will never be put in the same group."
        pair_id = hidden_field(page, "pair_id")
        _, page = post_and_land(http, "/organiser/blocked/remove", pair_id=pair_id)
        assert message(page).startswith("Removed from the never-match list")


def test_unanswered_names_are_folded_and_filtered_without_javascript(server: LiveServer) -> None:
    round_, people = _open_round(server, {"Alpha": 2, "Beta": 2})
    first = people[0]
    with organiser_pages(server) as http:
        page = http.get(f"/organiser/rounds/{round_.number}").text
        assert '<details id="not-answered-box">' in page
        # The figures and the picture come before the names, the groups after them.
        order = [
            page.index(m)
            for m in ('id="summary"', 'id="round-picture"', 'id="not-answered-box"', 'id="groups"')
        ]
        assert order == sorted(order)
        picture = f"/organiser/images/rounds/{round_.number}/network.svg"
        assert picture in page
        drawn = http.get(picture)
        assert drawn.status_code == 200, "the organiser sees the open round's picture"
        assert drawn.headers["content-type"].startswith("image/svg+xml")
        filtered = http.get(f"/organiser/rounds/{round_.number}", params={"q": first.name.upper()})
        listed = re.search(r'<ul id="not-answered">(.*?)</ul>', filtered.text, re.S).group(1)
        assert listed.count("<li>") == 1 and first.name in listed
        assert '<details id="not-answered-box" open>' in filtered.text
        assert f"1 of 4 people matches “{first.name.upper()}”." in filtered.text
        by_org = http.get(f"/organiser/rounds/{round_.number}", params={"q": "beta"}).text
        listed = re.search(r'<ul id="not-answered">(.*?)</ul>', by_org, re.S).group(1)
        assert listed.count("<li>") == 2


def _bearer() -> dict[str, str]:
    return {"Authorization": f"Bearer {ORGANISER_TOKEN}"}
