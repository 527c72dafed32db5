"""Emptying a database of its data, schema kept, so that the demo can start afresh.

Rows are deleted in one transaction rather than the file removed: a server still running on
the database keeps working (its sessions simply end), the never-reused ids stay never reused,
and the data_version counter is bumped by its triggers, so no cached picture outlives the wipe.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from unmentor.db import Database
from unmentor.people.models import Organisation, Participant
from unmentor.rounds.models import Round
from unmentor.settings import Settings
from unmentor.tables import metadata

# The counter caches are keyed by: deleting it could let a cache match a later version.
KEPT = {"data_version"}


@dataclass(frozen=True)
class Holdings:
    """What a database holds that the demo would collide with."""

    participants: int
    organisations: int
    rounds: int

    @property
    def is_empty(self) -> bool:
        return not (self.participants or self.organisations or self.rounds)

    def in_words(self) -> str:
        parts = [
            _count(self.participants, "participant"),
            _count(self.organisations, "organisation"),
            _count(self.rounds, "round"),
        ]
        return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def holdings(*, session: Session) -> Holdings:
    """How many participants, organisations and rounds the database holds."""

    def count(table) -> int:
        return session.exec(select(func.count()).select_from(table)).one()

    return Holdings(
        participants=count(Participant), organisations=count(Organisation), rounds=count(Round)
    )


def described(url: str) -> str:
    """The database as people recognise it, never with its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or "an in-memory SQLite database"
    return parsed.render_as_string(hide_password=True)


def is_local_file(url: str) -> bool:
    """A SQLite file: a developer's own database, the only kind a plain --yes may wipe."""
    return make_url(url).get_backend_name() == "sqlite"


def refusal(settings: Settings) -> str | None:
    """Why this database must never be wiped for the demo, whatever is confirmed; else None."""
    if settings.environment == "production":
        return (
            'the settings say environment = "production": the demo never wipes a live '
            "service's database. Point UNMENTOR_DATABASE_URL at a database of its own."
        )
    return None


def wipe(*, database: Database) -> None:
    """Delete every row of every table (children first), in one transaction."""
    with database.session() as session:
        for table in reversed(metadata.sorted_tables):
            if table.name not in KEPT:
                session.exec(delete(table))
    # Push the deleted pages out of SQLite's write-ahead log, as erasure does.
    database.checkpoint()
