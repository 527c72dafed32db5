"""Why a conversation didn't happen: reasons and comments, for organisers only."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import ORGANISER_TOKEN, LiveServer
from tests.factories import make_community
from tests.support import hidden_field
from unmentor.clock import utcnow
from unmentor.privacy.erasure import erase_person
from unmentor.rounds.forming import form_round
from unmentor.rounds.models import COMMENT_MAX, RoundMember
from unmentor.rounds.tokens import outcome_token


@pytest.fixture
def four(server: LiveServer):
    """Four people from four organisations in an open round of two pairs."""
    with server.database.session() as session:
        people = make_community(session, {"A": 1, "B": 1, "C": 1, "D": 1})
    now = utcnow()
    formed = form_round(
        database=server.database, settings=server.settings, today=now.date(), now=now, seed=3
    )
    return formed.round, people


def _answer(server: LiveServer, round_, person, **body) -> int:
    token = outcome_token(server.settings.secret_key.get_secret_value(), round_.id, person.id)
    with server.client() as http:
        return http.post("/api/v1/outcomes", json={"token": token, **body}).status_code


def _sign_in_organiser(server: LiveServer, http) -> None:
    form = http.get("/organiser")
    http.post(
        "/organiser/signin",
        data={"csrf_token": hidden_field(form.text, "csrf_token"), "token": ORGANISER_TOKEN},
    )


def _comments(server: LiveServer) -> dict[int, str | None]:
    with server.database.read_session() as session:
        rows = session.exec(select(RoundMember.participant_id, RoundMember.comment)).all()
    return dict(rows)


def test_reasons_and_comments_reach_the_organiser_only(server: LiveServer, four) -> None:
    round_, (a, b, c, d) = four
    said = "  Two weeks\n of  leave;\tnext time "
    assert _answer(server, round_, a, outcome="not_met", reason="no_reply", comment=said) == 200
    assert _answer(server, round_, c, outcome="not_met", reason="no_time") == 200
    assert _answer(server, round_, d, outcome="not_met") == 200
    too_long = "x" * (COMMENT_MAX + 1)
    assert _answer(server, round_, b, outcome="not_met", comment=too_long) == 422
    assert _comments(server)[a.id] == "Two weeks of leave; next time"

    with server.organiser() as http:
        detail = http.get(f"/api/v1/rounds/{round_.number}").json()
        listed = http.get("/api/v1/rounds").json()
    expected = {"no_reply": 1, "no_time": 1, "unspecified": 1}
    assert detail["reasons"] == expected and listed[0]["reasons"] == expected
    written = {
        m["participant_id"]: m["comment"] for g in detail["group_list"] for m in g["members"]
    }
    assert written[a.id] == "Two weeks of leave; next time" and written[c.id] is None

    with server.client() as http:
        _sign_in_organiser(server, http)
        dashboard = http.get("/organiser/dashboard").text
        page = http.get(f"/organiser/rounds/{round_.number}").text
    assert "Two weeks of leave; next time" in dashboard and "partner didn&#39;t reply" in dashboard
    assert "Two weeks of leave; next time" in page
    with server.client() as http:
        assert "Two weeks" not in http.get("/organiser/dashboard").text
        assert "Two weeks" not in http.get("/public/").text


def test_changing_to_met_drops_the_comment(server: LiveServer, four) -> None:
    round_, (a, *_) = four
    _answer(server, round_, a, outcome="not_met", reason="other", comment="Moved house")
    _answer(server, round_, a, outcome="met", comment="ignored with met")
    assert _comments(server)[a.id] is None


def test_erasing_someone_clears_comments_that_may_name_them(server: LiveServer, four) -> None:
    round_, people = four
    with server.database.read_session() as session:
        groups = dict(session.exec(select(RoundMember.participant_id, RoundMember.group_no)).all())
    writer = people[0]
    named = next(p for p in people[1:] if groups[p.id] == groups[writer.id])
    other = next(p for p in people[1:] if groups[p.id] != groups[writer.id])
    _answer(server, round_, writer, outcome="not_met", comment=f"{named.name} never replied")
    _answer(server, round_, other, outcome="not_met", comment="Ill that week")
    erase_person(
        database=server.database, participant_id=named.id, settings=server.settings, now=utcnow()
    )
    comments = _comments(server)
    assert comments[writer.id] is None and comments[other.id] == "Ill that week"
