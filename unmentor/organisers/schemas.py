"""What the organiser-account API accepts and returns (never a token hash)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from unmentor.organisers.models import AuditEntry, Organiser, OrganiserApiToken, OrganiserRole


class OrganiserCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320)
    role: OrganiserRole = OrganiserRole.organiser


class FirstOrganiser(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320)


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


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="What the token is for.")


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
