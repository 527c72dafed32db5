"""The tables of organiser accounts and of the audit log.

Organisers are never deleted, only marked removed: the audit log names them by id and by
the name they had at the time, and a removed organiser's tokens and sessions stop working
at once because every check reads `removed_at`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from unmentor.clock import utcnow
from unmentor.sqltypes import string_enum


class OrganiserRole(StrEnum):
    organiser = "organiser"
    # Sees every organiser page and GET endpoint; every change is refused (HTTP 403).
    viewer = "viewer"


class Organiser(SQLModel, table=True):
    __tablename__ = "organiser"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # Lower-cased on the way in; unique, so one address is one account even once removed
    # (inviting a removed organiser again brings the same row back).
    email: str = Field(max_length=320, unique=True)
    role: OrganiserRole = Field(sa_type=string_enum(OrganiserRole, "organiserrole_check"))
    created_at: datetime = Field(default_factory=utcnow)
    removed_at: datetime | None = None


class OrganiserApiToken(SQLModel, table=True):
    __tablename__ = "organiser_api_token"

    id: int | None = Field(default=None, primary_key=True)
    organiser_id: int = Field(foreign_key="organiser.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    # SHA-256 of a 256-bit random token: nothing to brute-force, so no slow hash is needed,
    # and a leaked table opens nothing.
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    # Written at most once a minute per token (see tokens.LAST_USED_EVERY).
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class OrganiserLink(SQLModel, table=True):
    """A single-use emailed sign-in link for an organiser (as link_token is for participants)."""

    __tablename__ = "organiser_link"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    organiser_id: int = Field(foreign_key="organiser.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    # No foreign key: the entry outlives whatever it names. None: the shared token or the
    # command line acted; `organiser_name` says which.
    organiser_id: int | None = None
    organiser_name: str = Field(max_length=200)
    action: str = Field(max_length=40)
    # Names participants by id only, never by name or address, so erasure leaves nothing here.
    target: str = Field(default="", max_length=200)
    detail: str = Field(default="", max_length=1000)
