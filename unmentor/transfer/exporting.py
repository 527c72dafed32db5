"""Everything an organiser may take away: CSV files and one JSON document, in a folder.

`participants.csv`, `groups.csv` and `blocked_pairs.csv` are in the import formats, so
importing them into an empty database reproduces the community and its history. Nothing
here depends on database ids, so two databases holding the same people and rounds export
identical files.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from unmentor.db import Database
from unmentor.people import domains
from unmentor.people.models import Organisation, Participant
from unmentor.rounds.models import Outcome, Round, RoundMember
from unmentor.rounds.outcomes import group_outcome
from unmentor.transfer import blocked

# A blank Met cell means "not recorded" (an imported group whose outcome nobody wrote down),
# which a round we closed writes as "unconfirmed" instead: only that counts towards pausing.
_MET_CELL = {"met": "yes", "not_met": "no", "unconfirmed": "unconfirmed", "pending": ""}


def _met_cell(group: dict) -> str:
    if not any(m["answer"] for m in group["members"]):
        return ""  # open and unanswered, or imported without an outcome
    return _MET_CELL[group["outcome"]]


FILES = (
    "organisations.csv",
    "participants.csv",
    "rounds.csv",
    "groups.csv",
    "outcomes.csv",
    "blocked_pairs.csv",
    "unmentor.json",
)


@dataclass
class Exported:
    participants: int
    organisations: int
    rounds: int
    groups: int
    files: list[Path]


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    # utf-8-sig so that Excel, which assumes Windows-1252 without a BOM, shows names right.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if cell is None else cell for cell in row] for row in rows)


def _people(session: Session) -> tuple[list[dict], list[dict]]:
    organisations = session.exec(select(Organisation).order_by(Organisation.name_key)).all()
    names = {o.id: o.name for o in organisations}
    rows = session.exec(
        select(Participant).order_by(Participant.email).execution_options(yield_per=5_000)
    )
    people = [
        {
            "name": p.name,
            "email": p.email,
            "organisation": names.get(p.organisation_id),  # None: no organisation
            "sector": p.sector,
            "joined_on": p.joined_on.isoformat() if p.joined_on else None,
            "status": p.status.value,
            "privacy_notice_version": p.privacy_notice_version,
        }
        for p in rows
    ]
    counts: dict[str, int] = defaultdict(int)
    for person in people:
        if person["organisation"] is not None:
            counts[person["organisation"]] += 1
    owned = domains.all_domains(session=session)
    orgs = [
        {
            "name": o.name,
            "participants": counts[o.name],
            "parent": names.get(o.parent_id),
            "domains": owned.get(o.id, []),
            # An alias left by a merge: the name leads to this organisation.
            "merged_into": names.get(o.merged_into_id),
        }
        for o in organisations
    ]
    return orgs, people


def _rounds(session: Session) -> list[dict]:
    rounds = session.exec(select(Round).order_by(Round.number)).all()
    rows = session.exec(
        select(RoundMember.round_id, RoundMember.group_no, Participant.email, RoundMember)
        .join(Participant, Participant.id == RoundMember.participant_id)
        .order_by(RoundMember.round_id, RoundMember.group_no, Participant.email)
    ).all()
    groups: dict[int, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for round_id, group_no, email, member in rows:
        groups[round_id][group_no].append(
            {
                "email": email,
                "answer": member.outcome.value if member.outcome else None,
                "reason": member.reason.value if member.reason else None,
            }
        )
    result = []
    for r in rounds:
        closed = r.closed_at is not None
        result.append(
            {
                "number": r.number,
                "period": r.period,
                "starts_on": r.starts_on.isoformat(),
                "closes_on": r.closes_on.isoformat(),
                "status": "closed" if closed else "open",
                "groups": [
                    {
                        "group": group_no,
                        "outcome": group_outcome(
                            [Outcome(m["answer"]) if m["answer"] else None for m in members],
                            closed=closed,
                        ),
                        "members": members,
                    }
                    for group_no, members in sorted(groups[r.id].items())
                ],
            }
        )
    return result


def export_all(
    *, database: Database, directory: Path, progress: Callable[[str], None] = lambda _: None
) -> Exported:
    """Write the CSV files and unmentor.json into `directory` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    with database.read_session() as session:
        organisations, people = _people(session)
        progress("participants")
        rounds = _rounds(session)
        progress("rounds")
        blocked_rows = blocked.export_rows(session)
    _write_csv(
        directory / "organisations.csv",
        ["Name", "Participants", "Parent", "Domains", "Merged into"],
        [
            [o["name"], o["participants"], o["parent"], " ".join(o["domains"]), o["merged_into"]]
            for o in organisations
        ],
    )
    _write_csv(
        directory / "participants.csv",
        ["Name", "Email", "Organisation", "Sector", "Joined", "Status"],
        [list(p.values()) for p in people],
    )
    _write_csv(
        directory / "rounds.csv",
        ["Round", "Period", "Starts on", "Closes on", "Status", "Groups", "People"],
        [
            [
                r["number"],
                r["period"],
                r["starts_on"],
                r["closes_on"],
                r["status"],
                len(r["groups"]),
                sum(len(g["members"]) for g in r["groups"]),
            ]
            for r in rounds
        ],
    )
    # As many person columns as the largest group, and never fewer than pairs and a triad.
    width = max([3] + [len(g["members"]) for r in rounds for g in r["groups"]])
    _write_csv(
        directory / "groups.csv",
        ["Round", "Date", "Group"] + [f"Person {i} email" for i in range(1, width + 1)] + ["Met"],
        [
            [r["number"], r["period"], g["group"]]
            + [m["email"] for m in g["members"]]
            + [""] * (width - len(g["members"]))
            + [_met_cell(g)]
            for r in rounds
            for g in r["groups"]
        ],
    )
    _write_csv(
        directory / "outcomes.csv",
        ["Round", "Group", "Email", "Answer", "Reason"],
        [
            [r["number"], g["group"], m["email"], m["answer"], m["reason"]]
            for r in rounds
            for g in r["groups"]
            for m in g["members"]
        ],
    )
    # Confidential: who asked never to meet whom. For organisers only, like the rest.
    _write_csv(directory / "blocked_pairs.csv", blocked.HEADER, blocked_rows)
    document = {
        "organisations": organisations,
        "participants": people,
        "rounds": rounds,
        "blocked_pairs": [dict(zip(blocked.KEYS, row, strict=True)) for row in blocked_rows],
    }
    with (directory / "unmentor.json").open("w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1)
    progress("files")
    return Exported(
        participants=len(people),
        organisations=len(organisations),
        rounds=len(rounds),
        groups=sum(len(r["groups"]) for r in rounds),
        files=[directory / name for name in FILES],
    )
