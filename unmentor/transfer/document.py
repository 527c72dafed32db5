"""The whole community as one JSON document (`unmentor.json`): the lossless backup.

Everything a restore needs to carry on as if nothing had happened: organisations (with none
of their members left, too; their parents, owned email domains, the aliases merges left and
each merge with whom it moved), people with their status, pause end, sign-up and change dates,
the privacy notice version they were shown, rhythm, free times, time zone and "about me" line
(absent from documents written before it: none), every round (open ones with their dates and
seed), every member's own answer, reason, comment, answer and reminder time, who sat out and why,
never-match requests, the stories members shared about their conversations (with their review),
organiser accounts with their roles and API tokens (as SHA-256 only), the audit log,
and the id counters. Rows keep their ids, so links already emailed keep
working after a restore (an answer link names its round and participant id, signed with
`secret_key`; restore under the same key).

Not carried, by design: sign-in sessions and unused sign-in or verification links (short-
lived secrets; people ask for a new link), the outbox (mail already sent is history; mail
still unsent is lost: `POST /api/v1/rounds/{n}/resend` sends an open round's introductions
again), rate-limit counters and the data-version counter.

The layout is deterministic (sorted in Python, never by the database's collation) so that
two databases holding the same data, SQLite or PostgreSQL, write the same bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import IO, Any

from sqlalchemy import DateTime, String, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from unmentor.backup import ids
from unmentor.blocking.models import BlockedPair
from unmentor.organisers.models import AuditEntry, Organiser, OrganiserApiToken
from unmentor.people.models import (
    Organisation,
    OrganisationDomain,
    OrganisationMerge,
    OrganisationMergeMember,
    Participant,
)
from unmentor.rounds.figures import group_outcome
from unmentor.rounds.models import Round, RoundMember, RoundSitOut
from unmentor.stories.models import Story

FORMAT = "unmentor-export"
# 3: members carry their not-met comment, participants their rhythm. A restore reads 2 as
# well (no comments then, everyone in every round).
# 4: groups carry their chance (2: formed during the round among members who asked for
# someone else) and when they were formed; members their request for someone else.
# 5: stories.
# 6: organiser accounts with their API tokens (hashed), and the audit log. A restore reads
# 2 to 5 as well (first groups only, nobody asked; no stories; no organisers: the shared
# token creates the first).
VERSION = 6
READABLE_VERSIONS = (2, 3, 4, 5, 6)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _value(enum) -> str | None:
    return enum.value if enum is not None else None


def _moment(value: datetime | None) -> str | None:
    # Read without the UTC type's Python-level conversion (1.2 million rows at 100,000
    # people): SQLite gives naive UTC, PostgreSQL an aware time in the session's zone.
    if value is None:
        return None
    if value.tzinfo is None:
        return value.isoformat() + "+00:00"
    return value.astimezone(UTC).isoformat()


def _people(session: Session) -> tuple[list[dict], list[dict], dict[int, str]]:
    organisations = sorted(session.exec(select(Organisation)).all(), key=lambda o: o.name_key)
    names: dict[int | None, str] = {o.id: o.name for o in organisations}
    owned = _owned_domains(session)
    people = []
    emails: dict[int, str] = {}
    moment = DateTime(timezone=True)
    query = sa_select(
        col(Participant.id),
        col(Participant.name),
        col(Participant.email),
        col(Participant.organisation_id),
        col(Participant.sector),
        col(Participant.joined_on),
        type_coerce(Participant.status, String),
        col(Participant.paused_until),
        col(Participant.rhythm),
        type_coerce(Participant.created_at, moment),
        type_coerce(Participant.updated_at, moment),
        col(Participant.privacy_notice_version),
        col(Participant.free_times),
        col(Participant.time_zone),
        col(Participant.about_me),
    ).execution_options(yield_per=20_000)
    # Plain rows, not model objects: a tenth of the time at 100,000 people.
    for (
        pid,
        name,
        email,
        org,
        sector,
        joined,
        status,
        paused,
        rhythm,
        created,
        updated,
        notice,
        free_times,
        time_zone,
        about_me,
    ) in session.connection().execute(query):
        emails[pid] = email
        people.append(
            {
                "id": pid,
                "name": name,
                "email": email,
                "organisation": names.get(org),  # None: no organisation
                "sector": sector,
                "joined_on": _iso(joined),
                "status": status,
                "paused_until": _iso(paused),
                "rhythm": rhythm,
                "created_at": _moment(created),
                "updated_at": _moment(updated),
                "privacy_notice_version": notice,
                "free_times": free_times,
                "time_zone": time_zone,
                "about_me": about_me,
            }
        )
    people.sort(key=lambda person: person["email"])
    counts: dict[str, int] = defaultdict(int)
    for person in people:
        if person["organisation"] is not None:
            counts[person["organisation"]] += 1
    orgs = [
        {
            "id": o.id,
            "name": o.name,
            "name_key": o.name_key,
            "participants": counts[o.name],
            "created_at": _iso(o.created_at),
            "parent": names.get(o.parent_id),
            "domains": owned.get(o.id, []),
            # An alias left by a merge: the name leads to this organisation.
            "merged_into": names.get(o.merged_into_id),
        }
        for o in organisations
    ]
    return orgs, people, emails


def _owned_domains(session: Session) -> dict[int, list[dict]]:
    owned: dict[int, list[dict]] = defaultdict(list)
    for domain in session.exec(select(OrganisationDomain)).all():
        owned[domain.organisation_id].append(
            {"domain": domain.domain, "added_at": _iso(domain.created_at)}
        )
    return {org: sorted(domains, key=lambda d: d["domain"]) for org, domains in owned.items()}


def _merges(session: Session, emails: dict[int, str]) -> list[dict]:
    """Each merge and whom it moved: after a restore it can still be shown and split."""
    moved: dict[int, list[str]] = defaultdict(list)
    for member in session.exec(select(OrganisationMergeMember)).all():
        moved[member.merge_id].append(emails[member.participant_id])
    return [
        {
            "id": m.id,
            "source_id": m.source_id,
            "target_id": m.target_id,
            "source_name": m.source_name,
            "target_name": m.target_name,
            "moved": m.moved,
            "merged_at": _iso(m.merged_at),
            "split_at": _iso(m.split_at),
            "members": sorted(moved[m.id]),
        }
        for m in sorted(session.exec(select(OrganisationMerge)).all(), key=lambda m: m.id)
    ]


def _rounds(session: Session, emails: dict[int, str]) -> list[dict]:
    rounds = session.exec(select(Round).order_by(col(Round.number))).all()
    members: dict[int, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    moment = DateTime(timezone=True)
    query = sa_select(
        col(RoundMember.round_id),
        col(RoundMember.group_no),
        col(RoundMember.participant_id),
        # Stored values as they are: no enum objects made and unmade per row.
        type_coerce(RoundMember.outcome, String),
        type_coerce(RoundMember.reason, String),
        col(RoundMember.comment),
        type_coerce(RoundMember.answered_at, moment),
        type_coerce(RoundMember.reminded_at, moment),
        type_coerce(RoundMember.meeting_at, moment),
        col(RoundMember.chance),
        type_coerce(RoundMember.second_chance, String),
        type_coerce(RoundMember.second_chance_asked_at, moment),
        type_coerce(RoundMember.joined_at, moment),
    ).execution_options(yield_per=20_000)
    chances: dict[tuple[int, int], tuple[int, str | None]] = {}
    for (
        round_id,
        group_no,
        pid,
        outcome,
        reason,
        comment,
        answered,
        reminded,
        meeting,
        chance,
        second_chance,
        asked_at,
        joined_at,
    ) in session.connection().execute(query):
        chances[round_id, group_no] = (chance, _moment(joined_at))
        members[round_id][group_no].append(
            {
                "email": emails[pid],
                "answer": outcome,
                "reason": reason,
                "comment": comment,
                "answered_at": _moment(answered),
                "reminded_at": _moment(reminded),
                "meeting_at": _moment(meeting),
                "second_chance": second_chance,
                "second_chance_asked_at": _moment(asked_at),
            }
        )
    sat_out: dict[int, list[dict]] = defaultdict(list)
    for round_id, pid, reason in session.exec(
        select(RoundSitOut.round_id, RoundSitOut.participant_id, RoundSitOut.reason)
    ):
        sat_out[round_id].append({"email": emails[pid], "reason": reason})
    result = []
    for r in rounds:
        closed = r.closed_at is not None
        groups = []
        for group_no, group in sorted(members[r.id].items()):
            group.sort(key=lambda member: member["email"])
            groups.append(
                {
                    "group": group_no,
                    # Stored answers are Outcome values, which compare equal to their enum.
                    "outcome": group_outcome([m["answer"] for m in group], closed=closed),
                    "chance": chances[r.id, group_no][0],
                    "formed_at": chances[r.id, group_no][1],
                    "members": group,
                }
            )
        result.append(
            {
                "id": r.id,
                "number": r.number,
                "period": r.period,
                "starts_on": _iso(r.starts_on),
                "reminder_on": _iso(r.reminder_on),
                "closes_on": _iso(r.closes_on),
                "status": "closed" if closed else "open",
                "seed": r.seed,
                "formed_at": _iso(r.formed_at),
                "closed_at": _iso(r.closed_at),
                "sat_out": sorted(sat_out[r.id], key=lambda s: s["email"]),
                "groups": groups,
            }
        )
    return result


def _blocked(session: Session, emails: dict[int, str]) -> list[dict]:
    rows = []
    for pair in session.exec(select(BlockedPair)).all():
        other = emails.get(pair.other_id) if pair.other_id is not None else None
        rows.append(
            {
                "id": pair.id,
                # The import format's four keys: what was typed, as typed (a later change of
                # the owner's address is not for the asker), else the participant's address.
                "email": emails[pair.participant_id],
                "never_meet_email": pair.other_email or other,
                "added_by": pair.source.value,
                "added_on": _iso(pair.created_at),
                # What a restore needs besides: the typed address and the participant named.
                "typed_email": pair.other_email,
                "other_participant": other,
            }
        )
    rows.sort(key=lambda row: (row["email"], row["never_meet_email"], row["id"]))
    return rows


def _stories(session: Session, emails: dict[int, str]) -> list[dict]:
    return [
        {
            "id": s.id,
            "round": s.round_id,
            "email": emails[s.participant_id],
            "chance": s.chance,
            "text": s.text,
            "attribution": s.attribution.value,
            "status": s.status.value,
            "edited": s.edited,
            "created_at": _iso(s.created_at),
            "updated_at": _iso(s.updated_at),
            "decided_at": _iso(s.decided_at),
        }
        for s in sorted(session.exec(select(Story)).all(), key=lambda s: s.id)
    ]


def _organisers(session: Session) -> list[dict]:
    tokens: dict[int, list[dict]] = defaultdict(list)
    for t in session.exec(select(OrganiserApiToken).order_by(col(OrganiserApiToken.id))).all():
        tokens[t.organiser_id].append(
            {
                "id": t.id,
                "name": t.name,
                # SHA-256 of 256 random bits: carried so that scripts keep working after a
                # restore; it opens nothing by itself.
                "token_sha256": t.token_hash,
                "created_at": _moment(t.created_at),
                "last_used_at": _moment(t.last_used_at),
                "revoked_at": _moment(t.revoked_at),
            }
        )
    return [
        {
            "id": o.id,
            "name": o.name,
            "email": o.email,
            "role": o.role.value,
            "created_at": _moment(o.created_at),
            "removed_at": _moment(o.removed_at),
            "api_tokens": tokens.get(o.id, []),
        }
        for o in session.exec(select(Organiser).order_by(col(Organiser.id))).all()
    ]


def _audit(session: Session) -> list[dict]:
    return [
        {
            "id": e.id,
            "at": _moment(e.at),
            "organiser_id": e.organiser_id,
            "organiser_name": e.organiser_name,
            "action": e.action,
            "target": e.target,
            "detail": e.detail,
        }
        for e in session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
    ]


def read_document(session: Session) -> dict[str, Any]:
    """Everything a restore needs, as plain JSON-ready data."""
    organisations, people, emails = _people(session)
    rounds = _rounds(session, emails)
    blocked = _blocked(session, emails)
    merges = _merges(session, emails)
    stories = _stories(session, emails)
    connection = session.connection()
    next_ids = {
        name: ids.next_id(connection, table)
        for name, table in sorted(_tables().items())
        if name in ids.CARRIED
    }
    return {
        "format": FORMAT,
        "version": VERSION,
        "organisations": organisations,
        "participants": people,
        "rounds": rounds,
        "blocked_pairs": blocked,
        "organisation_merges": merges,
        "stories": stories,
        "organisers": _organisers(session),
        "audit": _audit(session),
        "next_ids": next_ids,
    }


def _tables():
    from unmentor.tables import metadata

    return metadata.tables


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _lines(document: dict[str, Any]) -> Iterator[str]:
    # One entry per line (and one group per line): readable, diff-friendly, and a fraction of
    # the size of an indented dump at 100,000 people.
    yield "{\n"
    keys = list(document)
    for index, key in enumerate(keys):
        value = document[key]
        end = ",\n" if index < len(keys) - 1 else "\n"
        if not isinstance(value, list):
            yield f"{_dumps(key)}: {_dumps(value)}{end}"
            continue
        yield f"{_dumps(key)}: [\n"
        for n, item in enumerate(value):
            comma = "," if n < len(value) - 1 else ""
            if key == "rounds":
                head = {k: v for k, v in item.items() if k != "groups"}
                yield _dumps(head)[:-1] + ', "groups": [\n'
                groups = item["groups"]
                for g, group in enumerate(groups):
                    yield _dumps(group) + ("," if g < len(groups) - 1 else "") + "\n"
                yield "]}" + comma + "\n"
            else:
                yield _dumps(item) + comma + "\n"
        yield "]" + end
    yield "}\n"


def write_document(document: dict[str, Any], handle: IO[str]) -> None:
    """Write `document` as unmentor.json (UTF-8 text, no BOM)."""
    buffer: list[str] = []
    for line in _lines(document):
        buffer.append(line)
        if len(buffer) >= 10_000:
            handle.write("".join(buffer))
            buffer.clear()
    handle.write("".join(buffer))
