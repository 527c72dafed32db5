"""Restoring an export's `unmentor.json` into an empty database, ids and all.

A restore is all or nothing: one transaction, after checking that the database holds no
community yet (organisations, people, rounds, never-match requests or mail). It writes the
rows with the ids they had, then sets the id counters from `next_ids`, so that an id given
out before the backup is never given out again. What the document carries and what it
leaves behind is described in `unmentor.transfer.document`.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from unmentor.backup import ids
from unmentor.backup.bulk import insert_rows
from unmentor.db import Database
from unmentor.tables import metadata
from unmentor.transfer.document import FORMAT, READABLE_VERSIONS, VERSION
from unmentor.transfer.reading import TransferError
from unmentor.transfer.service import ProgressFactory

CHUNK = 5_000
# Rows here do not make a database "in use": a fresh one has its data-version counter, and an
# organiser who signed in to check it has a session and rate-limit counters, and a running
# scheduler has written its heartbeat.
IGNORED_WHEN_EMPTY = {"data_version", "job_state", "rate_limit_counter", "sign_in_session"}
DOCUMENT = "unmentor.json"


def _no_progress(_total: int, _label: str):
    return nullcontext(lambda _n: None)


@dataclass
class Restored:
    organisations: int
    participants: int
    rounds: int
    members: int
    blocked_pairs: int

    def line(self) -> str:
        return (
            f"Restored {self.participants} participants, {self.organisations} organisations, "
            f"{self.rounds} rounds ({self.members} memberships) and {self.blocked_pairs} "
            "never-match requests."
        )


def document_path(path: Path) -> Path | None:
    """The export document `path` names (a folder holding unmentor.json, or the file itself),
    or None when `path` is something else (a spreadsheet)."""
    if path.is_dir():
        return path / DOCUMENT
    try:
        with path.open("rb") as handle:
            start = handle.read(200).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return None
    if start.startswith(b"{") and FORMAT.encode() in start:
        return path
    return path if path.suffix.lower() == ".json" else None


def load(path: Path) -> dict[str, Any]:
    """The document at `path`, checked for its format; TransferError with one line if not."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise TransferError(f"{path} does not exist (expected an export folder).") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TransferError(f"{path.name} is not a readable JSON document: {error}.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TransferError(
            f"{path.name} is not an unmentor export (an older export has no format marker: "
            "import its participants.csv, groups.csv and blocked_pairs.csv instead)."
        )
    if document.get("version") not in READABLE_VERSIONS:
        raise TransferError(
            f"{path.name} is export version {document.get('version')}; this version of "
            f"unmentor restores version {VERSION}."
        )
    return document


def in_use(connection) -> list[str]:
    """The tables (besides counters and sessions) that hold rows."""
    return [
        table.name
        for table in metadata.sorted_tables
        if table.name not in IGNORED_WHEN_EMPTY
        and connection.execute(select(func.count()).select_from(table)).scalar()
    ]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _rows(document: dict[str, Any]) -> dict[str, list[dict]]:
    """Rows per table, ready for bulk inserts. KeyError/ValueError on a damaged document."""
    organisation_ids = {o["name"]: o["id"] for o in document["organisations"]}
    people = {p["email"]: p["id"] for p in document["participants"]}
    rows: dict[str, list[dict]] = {
        "organisation": [
            {
                "id": o["id"],
                "name": o["name"],
                "name_key": o["name_key"],
                "created_at": _moment(o["created_at"]),
            }
            for o in document["organisations"]
        ],
        "organisation_domain": [
            {
                "domain": d["domain"],
                "organisation_id": o["id"],
                "created_at": _moment(d["added_at"]),
            }
            for o in document["organisations"]
            for d in o.get("domains", [])
        ],
        "participant": [
            {
                "id": p["id"],
                "name": p["name"],
                "email": p["email"],
                "organisation_id": organisation_ids[p["organisation"]]
                if p["organisation"] is not None
                else None,
                "sector": p["sector"],
                "status": p["status"],
                "paused_until": _day(p["paused_until"]),
                "rhythm": p["rhythm"] if document["version"] >= 3 else 1,
                "joined_on": _day(p["joined_on"]),
                "created_at": _moment(p["created_at"]),
                "updated_at": _moment(p["updated_at"]),
                "privacy_notice_version": p.get("privacy_notice_version"),
                # Absent from exports made before free times existed.
                "free_times": p.get("free_times"),
                "time_zone": p.get("time_zone"),
                # Absent from exports made before "about me" existed.
                "about_me": p.get("about_me"),
            }
            for p in document["participants"]
        ],
        "organisation_merge": [
            {
                "id": m["id"],
                "source_id": m["source_id"],
                "target_id": m["target_id"],
                "source_name": m["source_name"],
                "target_name": m["target_name"],
                "moved": m["moved"],
                "merged_at": _moment(m["merged_at"]),
                "split_at": _moment(m["split_at"]),
            }
            for m in document.get("organisation_merges", [])
        ],
        "organisation_merge_member": [
            {"merge_id": m["id"], "participant_id": people[email]}
            for m in document.get("organisation_merges", [])
            for email in m["members"]
        ],
        "round": [],
        "round_member": [],
        "round_sitout": [],
        "blocked_pair": [
            {
                "id": b["id"],
                "participant_id": people[b["email"]],
                "other_id": people[b["other_participant"]] if b["other_participant"] else None,
                "other_email": b["typed_email"],
                "source": b["added_by"],
                "created_at": _moment(b["added_on"]),
            }
            for b in document["blocked_pairs"]
        ],
        "organiser": [
            {
                "id": o["id"],
                "name": o["name"],
                "email": o["email"],
                "role": o["role"],
                "created_at": _moment(o["created_at"]),
                "removed_at": _moment(o["removed_at"]),
            }
            for o in document.get("organisers", [])
        ],
        "organiser_api_token": [
            {
                "id": t["id"],
                "organiser_id": o["id"],
                "name": t["name"],
                "token_hash": t["token_sha256"],
                "created_at": _moment(t["created_at"]),
                "last_used_at": _moment(t["last_used_at"]),
                "revoked_at": _moment(t["revoked_at"]),
            }
            for o in document.get("organisers", [])
            for t in o["api_tokens"]
        ],
        "audit_entry": [
            {
                "id": e["id"],
                "at": _moment(e["at"]),
                "organiser_id": e["organiser_id"],
                "organiser_name": e["organiser_name"],
                "action": e["action"],
                "target": e["target"],
                "detail": e["detail"],
            }
            for e in document.get("audit", [])
        ],
    }
    for r in document["rounds"]:
        rows["round"].append(
            {
                "id": r["id"],
                "number": r["number"],
                "period": r["period"],
                "starts_on": _day(r["starts_on"]),
                "reminder_on": _day(r["reminder_on"]),
                "closes_on": _day(r["closes_on"]),
                "seed": r["seed"],
                "formed_at": _moment(r["formed_at"]),
                "closed_at": _moment(r["closed_at"]),
            }
        )
        rows["round_member"].extend(
            {
                "round_id": r["id"],
                "group_no": g["group"],
                "participant_id": people[m["email"]],
                "outcome": m["answer"],
                "reason": m["reason"],
                "comment": m["comment"] if document["version"] >= 3 else None,
                "answered_at": _moment(m["answered_at"]),
                "reminded_at": _moment(m["reminded_at"]),
                "meeting_at": _moment(m.get("meeting_at")),
                "chance": g.get("chance", 1),
                "joined_at": _moment(g.get("formed_at")),
                "second_chance": m.get("second_chance"),
                "second_chance_asked_at": _moment(m.get("second_chance_asked_at")),
            }
            for g in r["groups"]
            for m in g["members"]
        )
        rows["round_sitout"].extend(
            {"round_id": r["id"], "participant_id": people[s["email"]], "reason": s["reason"]}
            for s in r["sat_out"]
        )
    # Absent from documents written before stories existed (versions 2 to 4).
    rows["story"] = [
        {
            "id": s["id"],
            "round_id": s["round"],
            "participant_id": people[s["email"]],
            "chance": s["chance"],
            "text": s["text"],
            "attribution": s["attribution"],
            "status": s["status"],
            "edited": s["edited"],
            "created_at": _moment(s["created_at"]),
            "updated_at": _moment(s["updated_at"]),
            "decided_at": _moment(s["decided_at"]),
        }
        for s in document.get("stories", [])
    ]
    return rows


def _link_organisations(connection, table, document: dict[str, Any]) -> None:
    """Parents and merge aliases point at other organisations: set once all of them exist."""
    organisation_ids = {o["name"]: o["id"] for o in document["organisations"]}
    for o in document["organisations"]:
        links = {
            column: organisation_ids[o[key]]
            for key, column in (("parent", "parent_id"), ("merged_into", "merged_into_id"))
            if o.get(key) is not None
        }
        if links:
            connection.execute(table.update().where(table.c.id == o["id"]).values(**links))


def restore(
    *,
    database: Database,
    path: Path,
    progress: ProgressFactory = _no_progress,
) -> Restored:
    """Write the export at `path` (a folder or its unmentor.json) into an empty `database`."""
    path = document_path(path) or path
    document = load(path)
    try:
        rows = _rows(document)
    except (KeyError, TypeError, ValueError) as error:
        raise TransferError(
            f"{path.name} is damaged (at {type(error).__name__}: {error}); nothing was restored."
        ) from None
    tables = metadata.tables
    try:
        with database.session() as session:
            connection = session.connection()
            busy = in_use(connection)
            if busy:
                raise TransferError(
                    "a restore needs an empty database, and this one holds data ("
                    + ", ".join(busy)
                    + "): point UNMENTOR_DATABASE_URL at a new database and run "
                    "`unmentor db upgrade` first."
                )
            total = sum(len(table_rows) for table_rows in rows.values())
            with progress(total, f"Restoring {path.name}") as advance:
                for name, table_rows in rows.items():
                    for start in range(0, len(table_rows), CHUNK):
                        chunk = table_rows[start : start + CHUNK]
                        insert_rows(connection, tables[name], chunk)
                        advance(len(chunk))
            _link_organisations(connection, tables["organisation"], document)
            for name, value in document["next_ids"].items():
                if name in ids.CARRIED:
                    ids.set_next_id(connection, tables[name], int(value))
    except IntegrityError as error:
        raise TransferError(
            f"the database refused {path.name}, so nothing was restored: {error.orig}"
        ) from None
    return Restored(
        organisations=len(rows["organisation"]),
        participants=len(rows["participant"]),
        rounds=len(rows["round"]),
        members=len(rows["round_member"]),
        blocked_pairs=len(rows["blocked_pair"]),
    )
