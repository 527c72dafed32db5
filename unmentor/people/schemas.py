"""What the API accepts and returns for people: explicit, so no column leaks by accident."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from unmentor.people.models import EMAIL_MAX, NAME_MAX, SECTOR_MAX, ParticipantStatus
from unmentor.people.normalise import normalise_email, optional_text, required_text

Name = Annotated[str, StringConstraints(max_length=NAME_MAX), AfterValidator(required_text)]
Sector = Annotated[str, StringConstraints(max_length=SECTOR_MAX), AfterValidator(optional_text)]
Email = Annotated[
    str, StringConstraints(min_length=3, max_length=EMAIL_MAX), AfterValidator(normalise_email)
]

T = TypeVar("T")


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignupRequest(StrictModel):
    name: Name = Field(description="How the person would like to be introduced.")
    email: Email
    organisation: Name = Field(description="Where they work; matched ignoring case and spaces.")
    sector: Sector | None = Field(None, description="e.g. 'Local government', 'Health'.")


class Accepted(BaseModel):
    status: Literal["accepted"] = "accepted"
    detail: str


class OrganisationRef(BaseModel):
    id: int
    name: str


class OrganisationPublic(OrganisationRef):
    participants: int = Field(description="How many participants (any status) it has.")


class OrganisationCreate(StrictModel):
    name: Name


class OrganisationUpdate(StrictModel):
    name: Name


class ParticipantPublic(BaseModel):
    id: int
    name: str
    email: str
    organisation: OrganisationRef
    sector: str | None
    status: ParticipantStatus
    paused_until: date | None
    joined_on: date | None
    created_at: datetime


class ParticipantCreate(StrictModel):
    name: Name
    email: Email
    organisation: Name
    sector: Sector | None = None
    status: Literal[ParticipantStatus.active, ParticipantStatus.pending] = Field(
        ParticipantStatus.active,
        description="'active' adds them at once; 'pending' asks them to verify by email first.",
    )
    joined_on: date | None = Field(None, description="Defaults to today for active people.")


class ParticipantUpdate(StrictModel):
    name: Name | None = None
    email: Email | None = None
    organisation: Name | None = None
    sector: Sector | None = None
    status: ParticipantStatus | None = None
    paused_until: date | None = Field(None, description="Required when status is 'paused'.")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="How many match, over all pages.")
    page: int
    per_page: int
