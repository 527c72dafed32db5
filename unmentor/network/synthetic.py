"""A viz.synthetic community written straight into a database, for load tests and benchmarks.

`unmentor demo` builds a realistic community through the real round code (matching, emails),
which takes minutes at 10,000 people; this writes the same kind of history in bulk inserts, in
seconds, so that a test or a benchmark can measure the pictures of a large network.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert
from sqlmodel import select

from unmentor.db import Database
from unmentor.people.models import Organisation, Participant, ParticipantStatus
from unmentor.rounds.models import Outcome, Round, RoundMember
from viz.synthetic import Community

CHUNK = 5000
FIRST_DAY = date(2025, 1, 1)


def load_community(*, database: Database, community: Community, open_rounds: int = 0) -> None:
    """Organisations, active participants and every round of `community`; the last
    `open_rounds` rounds stay open (their links' answers are then kept as given)."""
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with database.session() as session:
        names = sorted(set(community.organisation.values()))
        session.exec(
            insert(Organisation),
            params=[{"name": n, "name_key": n, "created_at": now} for n in names],
        )
        org_ids = dict(session.exec(select(Organisation.name_key, Organisation.id)).all())
        rows = [
            {
                "name": f"Synthetic Person {person.key}",
                "email": f"synthetic{person.key}@example.org",
                "organisation_id": org_ids[community.organisation[person.key]],
                "sector": person.category,
                "status": ParticipantStatus.active,
                "created_at": now,
                "updated_at": now,
            }
            for person in community.people
        ]
        for start in range(0, len(rows), CHUNK):
            session.exec(insert(Participant), params=rows[start : start + CHUNK])
        id_of = {
            int(email.removeprefix("synthetic").split("@")[0]): pid
            for email, pid in session.exec(select(Participant.email, Participant.id)).all()
        }
        for number in range(1, community.rounds + 1):
            starts_on = _month(FIRST_DAY, number - 1)
            closed = number <= community.rounds - open_rounds
            round_ = Round(
                number=number,
                period=f"{starts_on:%Y-%m}",
                starts_on=starts_on,
                reminder_on=starts_on + timedelta(days=14),
                closes_on=starts_on + timedelta(days=25),
                seed=number,
                formed_at=now,
                closed_at=now if closed else None,
            )
            session.add(round_)
            session.flush()
            members = []
            for group_no, (group, outcome) in enumerate(_groups(community, number), start=1):
                answer = None if outcome == "pending" else Outcome(outcome)
                members += [
                    {
                        "round_id": round_.id,
                        "group_no": group_no,
                        "participant_id": id_of[key],
                        "outcome": answer,
                    }
                    for key in group
                ]
            for start in range(0, len(members), CHUNK):
                session.exec(insert(RoundMember), params=members[start : start + CHUNK])


def _groups(community: Community, number: int) -> list[tuple[list[int], str]]:
    """A round's groups (pairs and triads joined by its links) and the outcome of each."""
    group_of: dict[int, list[int]] = {}
    outcome_of: dict[int, str] = {}
    for link in community.links:
        if link.round_number != number:
            continue
        group = group_of.get(link.a) or group_of.get(link.b) or []
        for key in (link.a, link.b):
            if key not in group:
                group.append(key)
            group_of[key] = group
        outcome_of.setdefault(id(group), link.outcome)
    unique = {id(group): group for group in group_of.values()}
    return [(sorted(group), outcome_of[gid]) for gid, group in unique.items()]


def _month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
