"""What the organiser-account API accepts and returns (never a token hash)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from unmentor.organisers.models import AuditEntry, Organiser, OrganiserApiToken, OrganiserRole
from unmentor.people.normalise import required_text
from unmentor.people.schemas import Email, Name, StrictModel

TokenName = Annotated[
    str,
    StringConstraints(max_length=100),
    AfterValidator(partial(required_text, max_length=100)),
    Field(json_schema_extra={"minLength": 1}, description="What the token is for."),
]


class OrganiserCreate(StrictModel):
    name: Name
    email: Email
    role: OrganiserRole = OrganiserRole.organiser


class FirstOrganiser(StrictModel):
    name: Name
    email: Email


class OrganiserPublic(BaseModel):
    id: int
    name: str
    email: str
    role: OrganiserRole
    created_at: datetime
    removed_at: datetime | None

    @classmethod
    def of(cls, row: Organiser) -> OrganiserPublic:
        return cls(**row.model_dump(include=set(cls.model_fields)))


class TokenCreate(StrictModel):
    name: TokenName


class TokenPublic(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: OrganiserApiToken) -> TokenPublic:
        return cls(**row.model_dump(include=set(cls.model_fields)))


class TokenCreated(BaseModel):
    id: int
    name: str
    token: str = Field(description="The secret: shown this once, stored only as a hash.")


class AuditEntryPublic(BaseModel):
    id: int
    at: datetime
    organiser_id: int | None
    organiser_name: str
    action: str
    target: str
    detail: str

    @classmethod
    def of(cls, row: AuditEntry) -> AuditEntryPublic:
        return cls(**row.model_dump(include=set(cls.model_fields)))


class AuditPagePublic(BaseModel):
    items: list[AuditEntryPublic]
    page: int
    pages: int
    total: int
