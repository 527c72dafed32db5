"""JSON stats for organisers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from unmentor.api.deps import OrganiserOnly, StrictQuery
from unmentor.api.errors import error_responses
from unmentor.rounds.experiments import Experiments

organiser = APIRouter(
    prefix="/api/v1",
    tags=["stats"],
    dependencies=[OrganiserOnly, StrictQuery],
    responses=error_responses(400, 401, 403, 422),
)


@organiser.get("/stats")
def stats(request: Request) -> dict[str, Any]:
    """Network metrics per round, participants by status, and who has few new partners left."""
    # Cached until the data version moves: computing them takes seconds at 5,000 people.
    return request.app.state.images.stats()


@organiser.get("/stats/experiments", response_model=Experiments)
def stats_experiments(request: Request) -> Experiments:
    """Met rates compared by rhythm, cadence, first-timers, sector and picked time, with 95%
    intervals."""
    return request.app.state.images.experiments()
