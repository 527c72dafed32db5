"""JSON stats for organisers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from unmentor.api.deps import DatabaseDep, OrganiserOnly, StrictQuery
from unmentor.api.errors import error_responses
from unmentor.network.stats import network_stats

organiser = APIRouter(
    prefix="/api/v1",
    tags=["stats"],
    dependencies=[OrganiserOnly, StrictQuery],
    responses=error_responses(400, 401, 403, 422),
)


@organiser.get("/stats")
def stats(database: DatabaseDep) -> dict[str, Any]:
    """Network metrics per round, participants by status, and who has few new partners left."""
    with database.read_session() as session:
        return network_stats(session=session)
