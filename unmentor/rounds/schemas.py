"""What the API accepts and returns for rounds and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from unmentor.rounds.figures import RoundFigures
from unmentor.rounds.models import COMMENT_MAX, NotMetReason
from unmentor.sqltypes import MAX_INT


class RoundSummary(BaseModel):
    number: int
    period: str = Field(description="First month of the round's period, YYYY-MM.")
    status: Literal["open", "closed"]
    open: bool = Field(
        description="Still open: every figure is provisional, 'so far (answered of groups)'."
    )
    starts_on: date
    reminder_on: date
    closes_on: date
    formed_at: datetime
    closed_at: datetime | None
    people: int = Field(description="People placed in groups (once each, second chances too).")
    groups: int = Field(description="Conversations: a group of three counts once.")
    second_chance_groups: int = Field(
        0, description="Groups formed during the round among members who asked for someone else."
    )
    sat_out: int
    met: int = Field(description="Groups where someone confirmed meeting.")
    not_met: int
    unconfirmed: int = Field(description="Groups closed without any answer.")
    pending: int = Field(description="Groups of an open round awaiting an answer.")
    answered: int = Field(description="Groups with at least one answer (met + not_met).")
    conflicts: int = Field(
        description="Groups whose members gave opposite answers (counted as met)."
    )
    met_rate: float | None = Field(
        description="met / (met + not_met + unconfirmed), per group; in an open round, of "
        "the groups answered so far."
    )
    reasons: dict[str, int] = Field(
        default_factory=dict,
        description="Members who answered not_met, by reason ('unspecified' when none given).",
    )

    def figures(self) -> RoundFigures:
        """The figures again, for their wording ('so far (n of N answered)')."""
        return RoundFigures(
            **{name: getattr(self, name) for name in RoundFigures.__dataclass_fields__}
        )


class MemberView(BaseModel):
    participant_id: int
    name: str
    organisation: str
    email: str
    answer: Literal["met", "not_met", "unconfirmed"] | None
    reason: NotMetReason | None
    comment: str | None = Field(description="With a not-met answer; for organisers only.")
    answered_at: datetime | None
    reminded: bool
    second_chance: Literal["waiting", "found", "not_found"] | None = Field(
        None, description="This member asked for someone else from this group, and how it stands."
    )


class GroupView(BaseModel):
    group_no: int
    outcome: Literal["met", "not_met", "unconfirmed", "pending"]
    conflict: bool
    members: list[MemberView]
    second_chance: bool = Field(
        False, description="A group formed during the round among members who asked again."
    )


class SatOutView(BaseModel):
    participant_id: int
    name: str
    reason: str


class RoundDetail(RoundSummary):
    group_list: list[GroupView]
    sat_out_list: list[SatOutView]


class FormRoundRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: StrictInt | None = Field(
        None, ge=0, le=MAX_INT, description="Use a previewed seed; omit for a fresh random one."
    )


class OutcomeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(max_length=100, description="The token from the participant's email.")
    outcome: Literal["met", "not_met"]
    reason: NotMetReason | None = Field(None, description="Why not, when outcome is not_met.")
    comment: str | None = Field(
        None,
        max_length=COMMENT_MAX,
        description="A few words with not_met, seen only by organisers; ignored with met.",
    )


class OutcomeRecorded(BaseModel):
    round: int
    outcome: Literal["met", "not_met"]
    detail: str
