"""The table behind sign-in cookies.

A cookie carries only a random session id; the row (stored under the id's SHA-256) says whose
session it is and until when. Deleting the row ends the session everywhere at once: on
sign-out, on leaving, on erasure, and for organisers when the organiser token changes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from unmentor.clock import utcnow
from unmentor.sqltypes import string_enum


class SessionKind(StrEnum):
    participant = "participant"
    organiser = "organiser"


class SignInSession(SQLModel, table=True):
    __tablename__ = "sign_in_session"

    id: int | None = Field(default=None, primary_key=True)
    # SHA-256 of the random id in the cookie: a leaked database opens no sessions.
    token_hash: str = Field(max_length=64, unique=True)
    kind: SessionKind = Field(sa_type=string_enum(SessionKind, "sessionkind_check"))
    # Set for participants; erasing the participant deletes their sessions with them.
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", index=True, ondelete="CASCADE"
    )
    # For organisers: a hash of the organiser token the session was opened with, so that
    # changing the token ends every organiser session.
    organiser_key: str | None = Field(default=None, max_length=64)
    # For organisers signed in by emailed link: whose session it is (no foreign key, as
    # organisers are only ever marked removed; removing one deletes their sessions).
    organiser_id: int | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
