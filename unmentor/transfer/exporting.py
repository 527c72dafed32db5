"""Everything an organiser may take away: CSV files and one JSON document, in a folder.

`participants.csv`, `groups.csv` and `blocked_pairs.csv` are in the import formats, so
importing them into an empty database reproduces the community and its history; the CSV
files hold no database ids, so two databases holding the same people and rounds write the
same CSV files. `unmentor.json` is the lossless backup (see `document`): `unmentor import`
of the folder restores it into an empty database exactly.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from unmentor.db import Database
from unmentor.transfer import blocked
from unmentor.transfer.document import read_document, write_document

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


def export_all(
    *, database: Database, directory: Path, progress: Callable[[str], None] = lambda _: None
) -> Exported:
    """Write the CSV files and unmentor.json into `directory` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    with database.read_session() as session:
        # One read transaction: the files agree with each other even while the service runs.
        document = read_document(session)
    progress("participants")
    organisations, people, rounds = (
        document["organisations"],
        document["participants"],
        document["rounds"],
    )
    progress("rounds")
    blocked_rows = sorted([pair[key] for key in blocked.KEYS] for pair in document["blocked_pairs"])
    _write_csv(
        directory / "organisations.csv",
        ["Name", "Participants", "Parent", "Domains", "Merged into"],
        [
            [
                o["name"],
                o["participants"],
                o["parent"],
                " ".join(d["domain"] for d in o["domains"]),
                o["merged_into"],
            ]
            for o in organisations
        ],
    )
    _write_csv(
        directory / "participants.csv",
        ["Name", "Email", "Organisation", "Sector", "Joined", "Status", "Rhythm", "About me"],
        [
            [
                p["name"],
                p["email"],
                p["organisation"],
                p["sector"],
                p["joined_on"],
                p["status"],
                p["rhythm"],
                p["about_me"],
            ]
            for p in people
        ],
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
        ["Round", "Group", "Email", "Answer", "Reason", "Comment"],
        [
            [r["number"], g["group"], m["email"], m["answer"], m["reason"], m["comment"]]
            for r in rounds
            for g in r["groups"]
            for m in g["members"]
        ],
    )
    # Confidential: who asked never to meet whom. For organisers only, like the rest.
    _write_csv(directory / "blocked_pairs.csv", blocked.HEADER, blocked_rows)
    with (directory / "unmentor.json").open("w", encoding="utf-8", newline="\n") as handle:
        write_document(document, handle)
    progress("files")
    return Exported(
        participants=len(people),
        organisations=len(organisations),
        rounds=len(rounds),
        groups=sum(len(r["groups"]) for r in rounds),
        files=[directory / name for name in FILES],
    )
