"""Every place that holds personal data, and how erasure and the download treat it.

Erasure runs the `erase` steps in this order; the download shows each `export` under its
`section`. A test fails when a table with a participant or email column is missing here, so
a new table cannot quietly keep data that erasure leaves behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from unmentor.people.models import Participant
from unmentor.privacy import holdings as h


@dataclass(frozen=True)
class Holding:
    place: str  # a table name, or where files or copies live
    holds: str
    on_erasure: str
    in_download: str
    erase: Callable[[h.Erasure], None] | None = None
    section: str | None = None
    export: Callable[[Session, Participant], Any] | None = None


REGISTRY: tuple[Holding, ...] = (
    Holding(
        "story",
        "a few sentences the person shared about a conversation (which may, despite the "
        "form's request, name someone), the attribution they chose and the organisers' review",
        "deleted: their own stories, and every story a groupmate told of a conversation with "
        "them (before their memberships, by which those are found)",
        "their own stories: the round, the text as it stands, how it is signed, its status",
        h.erase_stories,
        "stories",
        h.export_stories,
    ),
    Holding(
        "round_member",
        "which rounds and groups the person was in, their answers, not-met reasons and "
        "comments (free text, seen only by organisers, that may name a groupmate), the time "
        "their group picked",
        "groupmates in open rounds are told (without naming them), then the rows are deleted; "
        "groupmates' comments in the person's groups are cleared too, as they may name them",
        "each round with the partners' names, the answer, reason and comment given and the "
        "time picked",
        h.erase_memberships,
        "rounds",
        h.export_memberships,
    ),
    Holding(
        "round_sitout",
        "rounds the person sat out, and why",
        "deleted",
        "each round sat out, with the reason",
        h.erase_sit_outs,
        "sat_out",
        h.export_sit_outs,
    ),
    Holding(
        "blocked_pair",
        "who the person asked never to be introduced to (a participant or a typed address), "
        "and requests by others naming them",
        "deleted: their own requests and every request naming them (by id or address)",
        "their own requests, naming the other person only as they already know them (the "
        "address they typed, or a past partner); requests by others naming them are not "
        "shown, as those are confidential to whoever asked",
        h.erase_blocked_pairs,
        "never_introduce",
        h.export_blocked_pairs,
    ),
    Holding(
        "outbox_mention",
        "emails to other people that name the person (introductions, reminders), with their "
        "organisation, sector and 'about me' line",
        "unsent introductions and reminders are rewritten for the group without them; every "
        "other email naming them, sent or not, is deleted",
        "how many emails to others name them (the emails belong to their recipients)",
        h.erase_mentions,
        "mentions",
        h.export_mentions,
    ),
    Holding(
        "outbox_message",
        "emails to the person: address; subject, body, HTML and attached calendar files until sent",
        "deleted, sent or not",
        "kind, subject (until sent) and dates of each email",
        h.erase_own_mail,
        "emails",
        h.export_own_mail,
    ),
    Holding(
        "mail_dir/*.eml",
        "copies of emails written by the file transport",
        "files of emails to or naming the person deleted, and any other file holding the address",
        "not shown: copies of the emails listed under 'emails'",
        h.erase_mail_files,
    ),
    Holding(
        "link_token",
        "emailed sign-in and verification links (hashed)",
        "deleted",
        "when each link was sent, expires and was used",
        h.erase_links,
        "links",
        h.export_links,
    ),
    Holding(
        "sign_in_session",
        "browsers the person is signed in on (hashed ids)",
        "deleted, which signs them out everywhere",
        "when each session began and ends",
        h.erase_sessions,
        "sessions",
        h.export_sessions,
    ),
    Holding(
        "rate_limit_counter",
        "request counts keyed by an HMAC of the email address (and of client addresses)",
        "the counters of their address are deleted; client counters name no one and end hourly",
        "not shown: counters last an hour",
        h.erase_rate_counters,
    ),
    Holding(
        "organisation_merge_member",
        "that an organiser's merge of two organisations moved the person from one to the other",
        "deleted (the merge itself, which names organisations only, stays)",
        "each merge that moved them, with both organisations' names and the dates",
        h.erase_merge_moves,
        "organisation_merges",
        h.export_merge_moves,
    ),
    Holding(
        "participant",
        "name, email, organisation, sector, status, rhythm (how often they take part), dates, "
        "which privacy notice was shown, usual free times, time zone, their one-line 'about me'",
        "deleted",
        "everything in the row",
        h.erase_participant,
        "participant",
        h.export_participant,
    ),
    Holding(
        "organisation",
        "the name of the person's organisation",
        "deleted if nobody else belongs to it",
        "shown with the participant",
        h.erase_empty_organisation,
    ),
    # Organisers' own accounts: not participants' data, so a participant's erasure leaves
    # them alone; unmentor.organisers.privacy erases and shows an organiser's own.
    Holding(
        "organiser",
        "organisers' and viewers' own accounts: name, email, role, dates",
        "not touched by a participant's erasure; an organiser's own: `unmentor organisers "
        "erase EMAIL` removes the account and replaces the name and address",
        "not shown to participants; an organiser's own: `unmentor organisers data EMAIL` or "
        "GET /api/v1/organisers/me/data",
    ),
    Holding(
        "organiser_api_token",
        "organisers' named API tokens (hashed), with when each was made and last used",
        "an organiser's own erasure deletes them",
        "in the organiser's own download (names and dates, never the hash)",
    ),
    Holding(
        "organiser_link",
        "organisers' emailed sign-in links (hashed)",
        "an organiser's own erasure deletes them",
        "not shown: they last an hour",
    ),
    Holding(
        "audit_entry",
        "what organisers did, naming them; participants only by id (never name or address)",
        "a participant's erasure leaves entries naming their id, which then names nobody; an "
        "organiser's own erasure replaces their name with a placeholder",
        "in the organiser's own download (their entries)",
    ),
    Holding(
        "SQLite file and its -wal file",
        "old copies of deleted rows in free pages and in the write-ahead log",
        "secure_delete zeroes deleted rows; the WAL is checkpointed and truncated after erasure",
        "not applicable",
    ),
    Holding(
        "backups: backup_dir/unmentor-*.db|.dump, `unmentor backup` and `unmentor export` files",
        "everything above as it was when the copy was made (exports leave out sessions, links "
        "and mail)",
        "not reached: a copy made before the erasure still holds the person until it is "
        "deleted; the daily job keeps only backup_keep copies (7 by default), and a restore "
        "from an older copy brings erased people back, so erase them again after restoring",
        "not applicable",
    ),
    Holding(
        "in-memory caches (pictures, statistics)",
        "names on organiser pictures",
        "invalidated by the data_version triggers on every change of participants and rounds",
        "not applicable",
    ),
)


def registered_tables() -> set[str]:
    """Names of the tables the registry covers."""
    return {holding.place for holding in REGISTRY if holding.place.isidentifier()}
