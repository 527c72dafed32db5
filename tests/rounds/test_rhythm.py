"""A rhythm per person: every round, every second or every third; who is due forms the round."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.blocking_support import signed_in
from tests.conftest import ORGANISER_TOKEN, LiveServer
from tests.factories import make_participant, make_round
from tests.support import hidden_field
from unmentor.clock import utcnow
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds.forming import form_round
from unmentor.rounds.models import Round, RoundMember, RoundSitOut
from unmentor.rounds.preview import preview_round
from unmentor.rounds.rhythm import parse_rhythm

MONTHS = [date(2026, 11, 3), date(2026, 12, 3), date(2027, 1, 3), date(2027, 2, 3)]


def _set(database, person: Participant, **values) -> None:
    with database.session() as session:
        row = session.get(Participant, person.id)
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


def _placed(database) -> dict[int, set[int]]:
    """Round number -> the people placed in it."""
    with database.read_session() as session:
        rows = session.exec(
            select(Round.number, RoundMember.participant_id).join(
                RoundMember, RoundMember.round_id == Round.id
            )
        ).all()
    placed: dict[int, set[int]] = {}
    for number, pid in rows:
        placed.setdefault(number, set()).add(pid)
    return placed


def test_each_round_places_those_who_are_due(database, make_settings) -> None:
    settings = make_settings()
    with database.session() as session:
        people = [make_participant(session, organisation=f"Org {n}") for n in range(10)]
    second, third, late, switches = people[:4]
    _set(database, second, rhythm=2)
    _set(database, third, rhythm=3)
    # Paused for the first round: due in the second although every second round.
    _set(database, late, rhythm=2, status=ParticipantStatus.paused, paused_until=MONTHS[1])
    _set(database, switches, rhythm=3)
    for n, day in enumerate(MONTHS):
        if n == 1:
            _set(database, switches, rhythm=1)  # a change applies from the next round
        form_round(database=database, settings=settings, today=day, now=utcnow(), seed=n)
    placed = _placed(database)
    rounds_of = {p.id: [r for r in (1, 2, 3, 4) if p.id in placed[r]] for p in people}
    assert rounds_of[second.id] == [1, 3]
    assert rounds_of[third.id] == [1, 4]
    assert rounds_of[late.id] == [2, 4]
    assert rounds_of[switches.id] == [1, 2, 3, 4]
    assert all(rounds_of[p.id] == [1, 2, 3, 4] for p in people[4:])
    with database.read_session() as session:
        # Resting is not sitting out: nobody is told they were left out, nobody gains priority.
        assert session.exec(select(RoundSitOut)).all() == []
        preview = preview_round(session=session, settings=settings, today=MONTHS[3], seed=1)
    # The next round (5): `second` (placed in 3) and `late` (placed in 4) rest.
    assert preview.resting == 2


def test_someone_who_sat_out_is_due_next_time(database, make_settings) -> None:
    with database.session() as session:
        ann, bob, cy = (make_participant(session, organisation=o) for o in "ABC")
        first = make_round(session, [[ann, bob]], number=1, period="2026-10")
        session.add(RoundSitOut(round_id=first.id, participant_id=cy.id, reason="odd one out"))
    _set(database, cy, rhythm=3)
    _set(database, ann, rhythm=2)
    form_round(database=database, settings=make_settings(), today=MONTHS[0], now=utcnow(), seed=1)
    assert _placed(database)[2] == {bob.id, cy.id}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("", None), (None, None), ("2", 2), (3.0, 3), ("Every second round", 2),
     ("every other round", 2), ("every round", 1), ("Every 3rd round", 3)],
)  # fmt: skip
def test_rhythm_cells(cell, expected) -> None:
    assert parse_rhythm(cell) == expected


@pytest.mark.parametrize("cell", ["4", "0", "monthly-ish", "1.5"])
def test_unknown_rhythm_cells_are_refused(cell) -> None:
    with pytest.raises(ValueError, match="unknown rhythm"):
        parse_rhythm(cell)


@pytest.fixture
def server_overrides() -> dict:
    return {"default_rhythm": 2}


def test_api_sign_up_and_me_carry_the_rhythm(server: LiveServer) -> None:
    with server.organiser() as http:
        made = http.post(
            "/api/v1/participants", json={"name": "Ann", "email": "ann@example.org"}
        ).json()
        chosen = http.post(
            "/api/v1/participants", json={"name": "Bob", "email": "bob@example.org", "rhythm": 3}
        ).json()
        assert (made["rhythm"], chosen["rhythm"]) == (2, 3), "default from settings, or chosen"
        changed = http.patch(f"/api/v1/participants/{made['id']}", json={"rhythm": 1})
        assert changed.json()["rhythm"] == 1
        assert (
            http.patch(f"/api/v1/participants/{made['id']}", json={"rhythm": 4}).status_code == 422
        )
        assert (
            http.patch(f"/api/v1/participants/{made['id']}", json={"rhythm": None}).status_code
            == 422
        )
    with server.client() as http:
        assert (
            http.post(
                "/api/v1/signups", json={"name": "Cy", "email": "cy@example.org", "rhythm": 3}
            ).status_code
            == 202
        )
        form = http.get("/")
        assert 'value="2" selected' in form.text
        http.post(
            "/signup",
            data={
                "csrf_token": hidden_field(form.text, "csrf_token"),
                "name": "Dee",
                "email": "dee@example.org",
                "rhythm": "1",
            },
        )
    with server.database.read_session() as session:
        rhythms = dict(session.exec(select(Participant.email, Participant.rhythm)).all())
    assert rhythms["cy@example.org"] == 3 and rhythms["dee@example.org"] == 1

    with server.database.read_session() as session:
        ann = session.exec(select(Participant).where(Participant.email == "ann@example.org")).one()
    with signed_in(server, ann) as http:
        page = http.get("/me")
        assert "Every round" in page.text
        saved = http.post(
            "/me/rhythm",
            data={"csrf_token": hidden_field(page.text, "csrf_token"), "rhythm": "3"},
        )
        assert saved.status_code == 303
        assert "Every third round" in http.get(saved.headers["location"]).text


def test_the_preview_page_counts_who_rests(server: LiveServer) -> None:
    with server.database.session() as session:
        ann, bob, _ = (make_participant(session, organisation=o) for o in "ABC")
        make_round(session, [[ann, bob]], number=1, period="2026-10")
    _set(server.database, ann, rhythm=2)
    with server.organiser() as http:
        preview = http.get("/api/v1/rounds/next", params={"seed": 1}).json()
    assert preview["resting"] == 1 and preview["people"] == 2
    with server.client() as http:
        form = http.get("/organiser")
        http.post(
            "/organiser/signin",
            data={"csrf_token": hidden_field(form.text, "csrf_token"), "token": ORGANISER_TOKEN},
        )
        page = http.get("/organiser/rounds/next", params={"seed": 1}).text
    assert "1 resting this round" in page
