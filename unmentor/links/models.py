"""The table behind emailed links."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from unmentor.clock import utcnow
from unmentor.sqltypes import string_enum


class LinkPurpose(StrEnum):
    verify = "verify"
    login = "login"


class LinkToken(SQLModel, table=True):
    __tablename__ = "link_token"

    # None until flushed; typed `int` because code only reads it from stored rows.
    id: int = Field(default=None, primary_key=True)
    # SHA-256 of the token: a leaked database does not hand out working links.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    purpose: LinkPurpose = Field(sa_type=string_enum(LinkPurpose, "linkpurpose_check"))
    participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
