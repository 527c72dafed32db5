"""Stories over HTTP: the member's form, the organiser's page and API, and the public page.

The canary: a story's text is public only once approved, and no name of a person or an
organisation ever appears on /public/stories, whatever the stories say or how they are signed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlmodel import select

from tests.conftest import LiveServer
from tests.factories import make_participant
from tests.support import ORGANISER_TOKEN, hidden_field
from unmentor.clock import utcnow
from unmentor.people.models import Participant
from unmentor.rounds.forming import form_round
from unmentor.rounds.models import RoundMember
from unmentor.rounds.tokens import outcome_token
from unmentor.stories.models import Story, StoryStatus

PEOPLE = [
    ("Quentin Quorn", "Quorn Widgets Ltd", "Health"),
    ("Rhoda Rimple", "Rimple Trust", "Health"),
    ("Silas Sorrel", "Sorrel Council", "Health"),
    ("Tamsin Thorn", "Thorn Lighthouses", "Lighthouse keeping"),
]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def server_overrides() -> dict:
    return {"public_min_people": 3}


@pytest.fixture
def pairs(server: LiveServer):
    """Four people of four organisations in an open round: two pairs. Health has three."""
    with server.database.session() as session:
        for name, organisation, sector in PEOPLE:
            make_participant(session, name=name, organisation=organisation, sector=sector)
    now = utcnow()
    round_ = form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=5
    ).round
    with server.database.read_session() as session:
        rows = session.exec(
            select(Participant.name, RoundMember.participant_id, RoundMember.group_no).join(
                Participant, Participant.id == RoundMember.participant_id
            )
        ).all()
    token = server.settings.secret_key.get_secret_value()
    return {
        name.split()[0]: (outcome_token(token, round_.id, pid), group) for name, pid, group in rows
    }


def _answer_met(http, token: str):
    page = http.get(f"/outcome?token={token}&answer=met")
    return http.post(
        "/outcome",
        data={
            "csrf_token": hidden_field(page.text, "csrf_token"),
            "token": token,
            "outcome": "met",
        },
    )


def _share(http, token: str, text: str, attribution: str = "sector"):
    page = http.get(f"/outcome/story?token={token}")
    return http.post(
        "/outcome/story",
        data={
            "csrf_token": hidden_field(page.text, "csrf_token"),
            "token": token,
            "text": text,
            "attribution": attribution,
        },
    )


@contextmanager
def _organiser(server: LiveServer) -> Iterator[httpx.Client]:
    """A browser-like client signed in on the organiser pages."""
    with server.client() as http:
        form = http.get("/organiser")
        signed_in = http.post(
            "/organiser/signin",
            data={"csrf_token": hidden_field(form.text, "csrf_token"), "token": ORGANISER_TOKEN},
        )
        assert signed_in.status_code == 303
        yield http


def _story_ids(server: LiveServer) -> dict[str, int]:
    with server.database.read_session() as session:
        return {s.text: s.id for s in session.exec(select(Story)).all()}


def test_met_then_share_then_approve_then_public(server: LiveServer, pairs) -> None:
    token, _ = pairs["Quentin"]
    with server.client() as http:
        # Before answering "we met" there is nothing to share.
        early = http.get(f"/outcome/story?token={token}")
        assert early.status_code == 200 and 'id="not-met"' in early.text
        answered = _answer_met(http, token)
        assert answered.status_code == 200 and "Answer recorded" in answered.text
        assert "Please don't name anyone" in answered.text and 'name="text"' in answered.text
        assert "A participant from Health" in answered.text
        shared = _share(http, token, "We swapped  notes\r\non bus timetables.")
        assert shared.status_code == 200 and "Thank you for your story" in shared.text
        again = http.get(f"/outcome?token={token}&answer=met")
        assert 'id="share-story-link"' in again.text
        assert "waiting for an organiser" in http.get(f"/outcome/story?token={token}").text
        assert "bus timetables" not in http.get("/public/stories").text

    story_id = _story_ids(server)["We swapped notes on bus timetables."]
    with _organiser(server) as organiser:
        page = organiser.get("/organiser/stories")
        assert page.status_code == 200 and "We swapped notes on bus timetables." in page.text
        assert "Quentin Quorn" in page.text  # organisers see who wrote it
        approved = organiser.post(
            f"/organiser/stories/{story_id}/approve",
            data={
                "csrf_token": hidden_field(page.text, "csrf_token"),
                "text": "We swapped notes on timetables.",
            },
        )
        assert approved.status_code == 303
    with server.client() as http:
        public = http.get("/public/stories").text
    assert "We swapped notes on timetables." in public
    assert "A participant from Health" in public and "bus" not in public


def test_the_public_page_names_nobody(server: LiveServer, pairs) -> None:
    texts = {}
    with server.client() as http:
        for first, attribution in (
            ("Quentin", "sector"),
            ("Rhoda", "anonymous"),
            ("Silas", "sector"),
            ("Tamsin", "sector"),
        ):
            token, _ = pairs[first]
            _answer_met(http, token)
            texts[first] = f"Story by someone, number {len(texts) + 1}."
            assert _share(http, token, texts[first], attribution).status_code == 200
    ids = _story_ids(server)
    with server.organiser() as api:
        for first in ("Quentin", "Rhoda", "Tamsin"):
            reply = api.post(f"/api/v1/stories/{ids[texts[first]]}/approve")
            assert reply.status_code == 200 and reply.json()["status"] == "approved"
        rejected = api.post(f"/api/v1/stories/{ids[texts['Silas']]}/reject")
        assert rejected.json()["status"] == "rejected"
    with server.client() as http:
        public = http.get("/public/stories").text
    for first in ("Quentin", "Rhoda", "Tamsin"):
        assert texts[first] in public
    assert texts["Silas"] not in public, "a rejected story is never shown"
    for name, organisation, _ in PEOPLE:
        for word in (*name.split(), *organisation.split()):
            if len(word) > 3:
                assert word.lower() not in public.lower()
    # Lighthouse keeping has one member: "a participant", never the rare sector.
    assert "Lighthouse" not in public
    signatures = re.findall(r'<p class="hint">([^<]*)</p>', public)
    # Signed with a common sector, by "a participant" (a rare sector), or not at all.
    assert sorted(s.rpartition(",")[0] for s in signatures) == [
        "",
        "A participant",
        "A participant from Health",
    ]


def test_nothing_while_the_scheme_is_below_the_threshold(
    server: LiveServer, pairs, make_settings
) -> None:
    token, _ = pairs["Quentin"]
    with server.client() as http:
        _answer_met(http, token)
        _share(http, token, "A story worth telling.")
    with server.organiser() as api:
        api.post(f"/api/v1/stories/{_story_ids(server)['A story worth telling.']}/approve")
        assert api.get("/api/v1/stories").json()["items"][0]["status"] == "approved"
    with server.client() as http:
        assert "A story worth telling." in http.get("/public/stories").text
    with server.database.session() as session:
        for person in session.exec(select(Participant)).all()[1:3]:
            person.status = "left"
            session.add(person)
    with server.client() as http:
        page = http.get("/public/stories").text
    assert "A story worth telling." not in page and 'id="no-stories"' in page


def test_organiser_pages_and_api_are_guarded(server: LiveServer, pairs) -> None:
    token, _ = pairs["Quentin"]
    with server.client() as http:
        _answer_met(http, token)
        _share(http, token, "Guarded words.")
        story_id = _story_ids(server)["Guarded words."]
        assert http.get("/organiser/stories").status_code == 303
        page = http.get(f"/outcome/story?token={token}")  # any page with a form
        stranger = http.post(
            f"/organiser/stories/{story_id}/approve",
            data={"csrf_token": hidden_field(page.text, "csrf_token"), "text": "x"},
        )
        assert stranger.status_code == 303
        assert http.get("/api/v1/stories").status_code == 401
        assert http.post(f"/api/v1/stories/{story_id}/approve").status_code == 401
    with _organiser(server) as organiser:
        forged = organiser.post(f"/organiser/stories/{story_id}/approve", data={"text": "x"})
        assert forged.status_code == 403
    with server.database.read_session() as session:
        story = session.get(Story, story_id)
        assert (story.status, story.text) == (StoryStatus.pending, "Guarded words.")


def test_organiser_api_edits_and_refuses(server: LiveServer, pairs) -> None:
    token, _ = pairs["Quentin"]
    _, group = pairs["Quentin"]
    partner = next(k for k, (_, g) in pairs.items() if g == group and k != "Quentin")
    with server.client() as http:
        _answer_met(http, token)
        _share(http, token, f"{partner} was great.")
    with server.organiser() as api:
        [item] = api.get("/api/v1/stories", params={"status": "pending"}).json()["items"]
        assert item["author"] == "Quentin Quorn" and item["names_found"] == [partner]
        edited = api.patch(f"/api/v1/stories/{item['id']}", json={"text": "They were great."})
        assert edited.status_code == 200
        assert (edited.json()["text"], edited.json()["edited"]) == ("They were great.", True)
        assert edited.json()["names_found"] == []
        assert api.patch(f"/api/v1/stories/{item['id']}", json={"text": " "}).status_code == 422
        assert api.post("/api/v1/stories/999999/approve").status_code == 404
        assert api.get("/api/v1/stories", params={"status": "approved"}).json()["total"] == 0


def test_the_member_can_withdraw_and_a_long_story_is_refused(server: LiveServer, pairs) -> None:
    token, _ = pairs["Rhoda"]
    with server.client() as http:
        _answer_met(http, token)
        too_long = _share(http, token, "x" * 601)
        assert too_long.status_code == 422 and 'id="story-error"' in too_long.text
        assert _share(http, token, "Kept for a while.").status_code == 200
        page = http.get(f"/outcome/story?token={token}")
        withdrawn = http.post(
            "/outcome/story/withdraw",
            data={"csrf_token": hidden_field(page.text, "csrf_token"), "token": token},
        )
        assert withdrawn.status_code == 200 and "withdrawn" in withdrawn.text
        assert http.get(f"/outcome/story?token={token}&x=1").status_code == 200
        bad = http.get("/outcome/story?token=1-1-" + "0" * 32)
        assert bad.status_code == 400
    assert _story_ids(server) == {}


def test_an_approved_story_joins_the_feed_even_after_the_feed_was_cached(
    server: LiveServer, pairs
) -> None:
    """Approving a story changes no picture (no new data version): the feed must still show it."""
    import feedparser

    token, _ = pairs["Quentin"]
    with server.client() as http:
        _answer_met(http, token)
        _share(http, token, "We found we had both run the same survey.")
        before = feedparser.parse(http.get("/public/feed.atom").content)
    assert not before.bozo and not [e for e in before.entries if "story-" in e.id]
    assert "same survey" not in str(before.entries), "a pending story is not public"

    story_id = _story_ids(server)["We found we had both run the same survey."]
    with _organiser(server) as organiser:
        page = organiser.get("/organiser/stories")
        organiser.post(
            f"/organiser/stories/{story_id}/approve",
            data={
                "csrf_token": hidden_field(page.text, "csrf_token"),
                "text": "We found we had both run the same survey.",
            },
        )
    with server.client() as http:
        after = feedparser.parse(http.get("/public/feed.atom").content)
    assert not after.bozo, after.get("bozo_exception")
    (entry,) = [e for e in after.entries if e.id.endswith(f":unmentor/story-{story_id}")]
    assert "same survey" in entry.content[0].value
    assert "a participant from Health" in entry.content[0].value
    assert entry.link.endswith(f"/public/stories#story-{story_id}")
    for name, organisation, _ in PEOPLE:
        assert name not in str(after.entries) and organisation not in str(after.entries)
