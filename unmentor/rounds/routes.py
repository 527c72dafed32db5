"""JSON routes for rounds (organisers) and for recording answers (participants' tokens)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, status
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from unmentor.api.deps import (
    DatabaseDep,
    OrganiserOnly,
    PathId,
    SettingsDep,
    StrictQuery,
)
from unmentor.api.errors import error_responses
from unmentor.clock import utcnow
from unmentor.errors import Conflict
from unmentor.rounds import forming, outcomes, reminders, service
from unmentor.rounds.models import NotMetReason, Outcome
from unmentor.rounds.preview import Preview, preview_round
from unmentor.rounds.schemas import (
    FormRoundRequest,
    OutcomeRecorded,
    OutcomeRequest,
    RoundDetail,
    RoundSummary,
)
from unmentor.sqltypes import MAX_INT

RoundNumber = PathId

public = APIRouter(prefix="/api/v1", tags=["answers"], dependencies=[StrictQuery])
organiser = APIRouter(
    prefix="/api/v1",
    tags=["rounds"],
    dependencies=[OrganiserOnly, StrictQuery],
    responses=error_responses(400, 401, 403, 422),
)


class Resend(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: StrictInt = Field(ge=1, le=MAX_INT)


@public.post(
    "/outcomes",
    response_model=OutcomeRecorded,
    responses=error_responses(400, 409, 422),
)
def record_outcome(request: OutcomeRequest, database: DatabaseDep, settings: SettingsDep):
    """Record whether a group met, with the token from a participant's email."""
    with database.session() as session:
        answer = outcomes.record_answer(
            session=session,
            settings=settings,
            token=request.token,
            outcome=Outcome(request.outcome),
            reason=NotMetReason(request.reason) if request.reason else None,
            comment=request.comment,
            now=utcnow(),
        )
        return OutcomeRecorded(
            round=answer.round_number, outcome=request.outcome, detail="Thank you, recorded."
        )


@organiser.get("/rounds", response_model=list[RoundSummary])
def list_rounds(database: DatabaseDep) -> list[RoundSummary]:
    """Every round, newest first, with met / not met / unconfirmed counts."""
    with database.read_session() as session:
        return service.list_rounds(session=session)


@organiser.post(
    "/rounds",
    status_code=status.HTTP_201_CREATED,
    response_model=RoundSummary,
    responses=error_responses(409),
)
def form_round(
    database: DatabaseDep,
    settings: SettingsDep,
    request: Annotated[FormRoundRequest | None, Body()] = None,
) -> RoundSummary:
    """Form the current period's round now (409 if it is already formed)."""
    now = utcnow()
    formed = forming.form_round(
        database=database,
        settings=settings,
        today=now.date(),
        now=now,
        seed=request.seed if request else None,
    )
    if not formed.created:
        raise Conflict(
            f"The round for {formed.round.period} is already formed (round {formed.round.number})."
        )
    with database.read_session() as session:
        return service.get_summary(session=session, number=formed.round.number)


@organiser.get("/rounds/next", response_model=Preview)
def preview_next_round(
    database: DatabaseDep,
    settings: SettingsDep,
    seed: Annotated[int | None, Query(ge=0, le=MAX_INT)] = None,
) -> Preview:
    """The grouping the next round would get with this seed (random if omitted); sends nothing."""
    with database.read_session() as session:
        return preview_round(
            session=session,
            settings=settings,
            today=utcnow().date(),
            seed=seed if seed is not None else forming.new_seed(),
        )


@organiser.get("/rounds/{number}", response_model=RoundDetail, responses=error_responses(404))
def get_round(number: RoundNumber, database: DatabaseDep) -> RoundDetail:
    """One round: every group, who answered what, conflicts, and who sat out."""
    with database.read_session() as session:
        return service.round_detail(session=session, number=number)


@organiser.post(
    "/rounds/{number}/close",
    response_model=RoundSummary,
    responses=error_responses(404, 409),
)
def close_round(
    number: RoundNumber,
    database: DatabaseDep,
    settings: SettingsDep,
) -> RoundSummary:
    """Close a round now: missing answers become unconfirmed."""
    with database.session() as session:
        round_ = service.get_round(session=session, number=number)
        outcomes.close_round(session=session, settings=settings, round_=round_, now=utcnow())
        return service.get_summary(session=session, number=number)


@organiser.post(
    "/rounds/{number}/resend",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(404, 409),
)
def resend_introduction(
    number: RoundNumber,
    request: Resend,
    database: DatabaseDep,
    settings: SettingsDep,
) -> dict[str, str]:
    """Send a member's introduction again (same answer links)."""
    with database.session() as session:
        round_ = service.get_round(session=session, number=number)
        reminders.resend_introduction(
            session=session,
            settings=settings,
            round_=round_,
            participant_id=request.participant_id,
            now=utcnow(),
        )
        return {"detail": "The introduction will be sent again."}
