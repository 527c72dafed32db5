"""What the API accepts and returns for people: explicit, so no column leaks by accident."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from unmentor.people.models import EMAIL_MAX, NAME_MAX, SECTOR_MAX, ParticipantStatus
from unmentor.people.normalise import normalise_email, optional_text, required_text

# minLength is stated for the schema only, so that "" gets required_text's plainer message.
Name = Annotated[
    str,
    StringConstraints(max_length=NAME_MAX),
    AfterValidator(partial(required_text, max_length=NAME_MAX)),
    Field(json_schema_extra={"minLength": 1}),
]
Sector = Annotated[
    str,
    StringConstraints(max_length=SECTOR_MAX),
    AfterValidator(partial(optional_text, max_length=SECTOR_MAX)),
]
# Blank (or null) means no organisation: freelancers and independents take part too.
OrganisationName = Annotated[
    str,
    StringConstraints(max_length=NAME_MAX),
    AfterValidator(partial(optional_text, max_length=NAME_MAX)),
]
Email = Annotated[
    str,
    StringConstraints(min_length=3, max_length=EMAIL_MAX),
    AfterValidator(normalise_email),
    Field(json_schema_extra={"format": "email"}),
]


def _date_as_text(value: object) -> object:
    # Pydantic would read 0 as 1970-01-01; a number is never what a client meant by a date.
    if isinstance(value, int | float):
        raise ValueError("must be a date written as YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_date_as_text)]
Rhythm = Annotated[
    Literal[1, 2, 3],
    Field(description="Take part in every round (1), every second (2) or every third (3)."),
]
RHYTHM_DEFAULT = "Omitted or null: the `default_rhythm` setting."

T = TypeVar("T")


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignupRequest(StrictModel):
    name: Name = Field(description="How the person would like to be introduced.")
    email: Email
    organisation: OrganisationName | None = Field(
        None,
        description="Where they work, matched ignoring case and spaces; blank for none "
        "(an independent may meet anyone).",
    )
    sector: Sector | None = Field(None, description="e.g. 'Local government', 'Health'.")
    rhythm: Rhythm | None = Field(None, description=RHYTHM_DEFAULT)


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
    organisation: OrganisationRef | None = Field(description="null: no organisation.")
    sector: str | None
    status: ParticipantStatus
    paused_until: date | None
    joined_on: date | None
    rhythm: Rhythm
    created_at: datetime


class ParticipantCreate(StrictModel):
    name: Name
    email: Email
    organisation: OrganisationName | None = Field(None, description="Blank or null for none.")
    sector: Sector | None = None
    status: Literal[ParticipantStatus.active, ParticipantStatus.pending] = Field(
        ParticipantStatus.active,
        description="'active' adds them at once; 'pending' asks them to verify by email first.",
    )
    joined_on: IsoDate | None = Field(None, description="Defaults to today for active people.")
    rhythm: Rhythm | None = Field(None, description=RHYTHM_DEFAULT)


NEVER_NULL = ("name", "email", "status", "rhythm")


def _never_null_in_schema(schema: dict, _model: type) -> None:
    for name in NEVER_NULL:
        schema["properties"][name].pop("default", None)


class ParticipantUpdate(StrictModel):
    # name, email and status may be left out (to keep them) but are never null: they cannot
    # be removed, so null is a 422 naming the field, not a server error. An organisation can
    # be removed: null or blank means none.
    model_config = ConfigDict(extra="forbid", json_schema_extra=_never_null_in_schema)

    name: Name = None
    email: Email = None
    organisation: OrganisationName | None = Field(None, description="null or blank: none.")
    sector: Sector | None = None
    status: ParticipantStatus = None
    paused_until: IsoDate | None = Field(None, description="Required when status is 'paused'.")
    rhythm: Rhythm = None


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="How many match, over all pages.")
    page: int
    per_page: int
