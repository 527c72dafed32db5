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

from unmentor.people.models import (
    ABOUT_ME_MAX,
    EMAIL_MAX,
    NAME_MAX,
    SECTOR_MAX,
    ParticipantStatus,
)
from unmentor.people.normalise import normalise_email, optional_text, required_text
from unmentor.sqltypes import MAX_INT

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
# Plain text on one line (tidy_text folds line breaks into spaces); blank means none.
AboutMe = Annotated[
    str,
    StringConstraints(max_length=ABOUT_ME_MAX),
    AfterValidator(partial(optional_text, max_length=ABOUT_ME_MAX)),
    Field(
        description=f"A one-line profile in the person's own words (at most {ABOUT_ME_MAX} "
        "characters, plain text), shown to their groupmates in introductions; blank for none."
    ),
]
# Blank (or null) means no organisation: freelancers and independents take part too.
OrganisationName = Annotated[
    str,
    StringConstraints(max_length=NAME_MAX),
    AfterValidator(partial(optional_text, max_length=NAME_MAX)),
]
# minLength is stated for the schema only, as for Name: "" gets "Please enter an email
# address." from normalise_email, not "String should have at least 3 characters".
Email = Annotated[
    str,
    StringConstraints(max_length=EMAIL_MAX),
    AfterValidator(normalise_email),
    Field(json_schema_extra={"format": "email", "minLength": 3}),
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
    privacy_notice_version: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{12}$",
        description="Which privacy notice the person was shown (the sign-up page sends it).",
    )
    rhythm: Rhythm | None = Field(None, description=RHYTHM_DEFAULT)
    about_me: AboutMe | None = None


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
    about_me: str | None = Field(description="Their one-line profile; null: none given.")
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
    about_me: AboutMe | None = None


NEVER_NULL = ("name", "email", "status", "rhythm")


def _never_null_in_schema(schema: dict, _model: type) -> None:
    for name in NEVER_NULL:
        schema["properties"][name].pop("default", None)


class ParticipantUpdate(StrictModel):
    # name, email and status may be left out (to keep them) but are never null: they cannot
    # be removed, so null is a 422 naming the field, not a server error. An organisation can
    # be removed: null or blank means none.
    model_config = ConfigDict(extra="forbid", json_schema_extra=_never_null_in_schema)

    name: Name = None  # type: ignore[assignment]  # left out: kept; null: refused
    email: Email = None  # type: ignore[assignment]  # left out: kept; null: refused
    organisation: OrganisationName | None = Field(None, description="null or blank: none.")
    sector: Sector | None = None
    status: ParticipantStatus = None  # type: ignore[assignment]  # left out: kept; null: refused
    paused_until: IsoDate | None = Field(None, description="Required when status is 'paused'.")
    rhythm: Rhythm = None  # type: ignore[assignment]  # left out: kept; null: refused
    about_me: AboutMe | None = None


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="How many match, over all pages.")
    page: int
    per_page: int


class OrganisationDetail(OrganisationPublic):
    parent_id: int | None = Field(description="The parent organisation; null: none.")
    domains: list[str] = Field(description="Email domains this organisation owns.")


class OrganisationSuggestion(BaseModel):
    """An existing organisation offered as someone types: its name only, never who is in it."""

    name: str
    owns_your_domain: bool = Field(
        False, description="The email domain typed belongs to this organisation."
    )


class LikelyDuplicatePublic(BaseModel):
    first: OrganisationPublic
    second: OrganisationPublic
    reason: str


class MergeRequest(StrictModel):
    source_id: int = Field(
        ge=1, le=MAX_INT, description="The organisation merged away (it becomes an alias)."
    )
    target_id: int = Field(ge=1, le=MAX_INT, description="The organisation that stays.")


class CrossPairPublic(BaseModel):
    round_number: int
    source_member: int = Field(description="Participant id, moved by the merge.")
    target_member: int = Field(description="Participant id, already in the target.")


class MergePublic(BaseModel):
    id: int
    source_id: int
    target_id: int
    source_name: str
    target_name: str
    moved: int
    merged_at: datetime
    split_at: datetime | None
    pairs_across: list[CrossPairPublic] = Field(
        description="Groups formed before the merge across the two: what the duplicate cost."
    )


class ParentUpdate(StrictModel):
    parent_id: int | None = Field(ge=1, le=MAX_INT, description="null: no parent.")


class DomainMismatch(BaseModel):
    participant_id: int
    name: str
    organisation: str | None = Field(description="What they gave; null: none.")
    domain: str
    owner_id: int = Field(description="The organisation that owns their email domain.")
    owner: str
