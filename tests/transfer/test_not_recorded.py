"""A blank Met cell is "not recorded": it counts for matching, never towards pausing anyone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from unmentor.clock import utcnow
from unmentor.people.models import Participant, ParticipantStatus
from unmentor.rounds import forming, outcomes
from unmentor.rounds.models import Round, RoundMember
from unmentor.rounds.service import list_rounds
from unmentor.transfer.service import import_file

PEOPLE = [
    ["Name", "Email", "Organisation"],
    ["Ann", "a@example.org", "Org A"],
    ["Bob", "b@example.org", "Org B"],
    ["Cat", "c@example.org", "Org C"],
    ["Dan", "d@example.org", "Org D"],
]


def _rounds(met: str) -> list[list[str]]:
    return [
        ["Round", "Date", "Person A", "Person B", "Met"],
        ["1", "14/03/2024", "a@example.org", "b@example.org", met],
        ["1", "14/03/2024", "c@example.org", "d@example.org", met],
        ["2", "14/04/2024", "a@example.org", "c@example.org", met],
        ["2", "14/04/2024", "b@example.org", "d@example.org", met],
    ]


@pytest.mark.parametrize(("met", "paused"), [("", 0), ("unconfirmed", 4)])
def test_history_nobody_wrote_down_pauses_nobody(
    database, make_settings, files, tmp_path: Path, met: str, paused: int
) -> None:
    settings = make_settings(pause_after_unconfirmed_rounds=2)
    for name, rows in (("people.csv", PEOPLE), ("rounds.csv", _rounds(met))):
        path = files.csv(tmp_path / name, rows)
        import_file(database=database, settings=settings, path=path, now=utcnow())
    with database.read_session() as session:
        closed = {s.number: s for s in list_rounds(session=session)}
    assert closed[1].status == closed[2].status == "closed"
    assert closed[1].unconfirmed == 2  # shown as unconfirmed either way
    # The first round we run: nobody answers. It matches only pairs the history left.
    day = date(2024, 5, settings.round_form_day)
    formed = forming.form_round(database=database, settings=settings, today=day, now=utcnow())
    with database.session() as session:
        round_ = session.get(Round, formed.round.id)
        groups = session.exec(
            select(RoundMember.group_no, RoundMember.participant_id).where(
                RoundMember.round_id == round_.id
            )
        ).all()
        outcomes.close_round(session=session, settings=settings, round_=round_, now=utcnow())
    assert len(groups) == 4
    with database.read_session() as session:
        people = session.exec(select(Participant)).all()
    names = {p.id: p.name for p in people}
    pairs = {}
    for group_no, pid in groups:
        pairs.setdefault(group_no, set()).add(names[pid])
    assert sorted(map(sorted, pairs.values())) == [["Ann", "Dan"], ["Bob", "Cat"]]
    assert sum(p.status == ParticipantStatus.paused for p in people) == paused
