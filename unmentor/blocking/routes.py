"""JSON routes for organisers: list, add and remove blocked pairs (never-match lists)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from unmentor.api.deps import DatabaseDep, OrganiserOnly, PathId, StrictQuery
from unmentor.api.errors import error_responses
from unmentor.blocking import service
from unmentor.blocking.schemas import BlockedPairCreate, BlockedPairPublic
from unmentor.clock import utcnow
from unmentor.people.schemas import Page
from unmentor.sqltypes import MAX_INT

PairId = PathId
organiser = APIRouter(
    prefix="/api/v1",
    tags=["blocked pairs"],
    dependencies=[OrganiserOnly, StrictQuery],
    responses=error_responses(400, 401, 403, 422),
)


@organiser.get("/blocked-pairs", response_model=Page[BlockedPairPublic])
def list_blocked_pairs(
    database: DatabaseDep,
    participant_id: Annotated[
        int | None, Query(ge=1, le=MAX_INT, description="Only pairs naming this participant.")
    ] = None,
    page: Annotated[int, Query(ge=1, le=100_000, description="1-based page number.")] = 1,
    per_page: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
) -> Page[BlockedPairPublic]:
    """People kept apart, newest first. Confidential: never show a row to the other person."""
    with database.read_session() as session:
        views, total = service.list_pairs(
            session=session,
            participant_id=participant_id,
            offset=(page - 1) * per_page,
            limit=per_page,
        )
        return Page(
            items=[BlockedPairPublic.of(v) for v in views],
            total=total,
            page=page,
            per_page=per_page,
        )


@organiser.post(
    "/blocked-pairs",
    status_code=status.HTTP_201_CREATED,
    response_model=BlockedPairPublic,
    responses=error_responses(404, 409),
)
def create_blocked_pair(data: BlockedPairCreate, database: DatabaseDep) -> BlockedPairPublic:
    """Never group these two, recorded as asked by `participant_id`; nobody is told."""
    with database.session() as session:
        view = service.create_pair(
            session=session,
            participant_id=data.participant_id,
            other_id=data.other_id,
            now=utcnow(),
        )
        return BlockedPairPublic.of(view)


@organiser.get(
    "/blocked-pairs/{pair_id}", response_model=BlockedPairPublic, responses=error_responses(404)
)
def get_blocked_pair(pair_id: PairId, database: DatabaseDep) -> BlockedPairPublic:
    """One blocked pair."""
    with database.read_session() as session:
        return BlockedPairPublic.of(service.get_pair(session=session, pair_id=pair_id))


@organiser.delete(
    "/blocked-pairs/{pair_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(404),
)
def delete_blocked_pair(pair_id: PairId, database: DatabaseDep) -> Response:
    """Let these two be grouped again (whoever added the pair)."""
    with database.session() as session:
        service.delete_pair(session=session, pair_id=pair_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
