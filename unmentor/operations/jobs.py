"""Recording each scheduler run, and turning repeated failures into one incident.

A job that fails `FAILURES_FOR_INCIDENT` times in a row opens an incident: the dashboard shows
it and the organisers get one email, keyed in the outbox by the job and the incident's start,
so the hourly (or minutely) retries that keep failing never send a second one. The first run
that succeeds closes the incident.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from unmentor.operations import alerts
from unmentor.operations.models import HEARTBEAT, JobState
from unmentor.settings import Settings

FAILURES_FOR_INCIDENT = 3
# No common type has on_conflict_do_nothing: each dialect's Insert defines its own.
_INSERT: dict[str, Callable[..., Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _row(session: Session, name: str) -> JobState:
    """The job's row, created if missing and locked for this transaction on PostgreSQL."""
    connection = session.connection()
    insert = _INSERT[connection.dialect.name]
    connection.execute(
        insert(JobState)
        .values(name=name, runs=0, failures=0, consecutive_failures=0)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    return session.exec(select(JobState).where(JobState.name == name).with_for_update()).one()


def record_run(
    *, session: Session, settings: Settings, name: str, error: str | None, now: datetime
) -> bool:
    """Note one finished run of job `name` (`error` None when it worked).

    Returns True when this run opened an incident (and queued the organisers' email).
    """
    state = _row(session, name)
    state.runs += 1
    state.last_finished_at = now
    if error is None:
        state.consecutive_failures = 0
        state.last_ok_at = now
        state.incident_since = None
        session.add(state)
        return False
    state.failures += 1
    state.consecutive_failures += 1
    state.last_error = error[:1000]
    opened = state.incident_since is None and state.consecutive_failures >= FAILURES_FOR_INCIDENT
    if opened:
        state.incident_since = now
        alerts.job_failing(session=session, settings=settings, state=state, now=now)
    session.add(state)
    return opened


def heartbeat_at(*, session: Session) -> datetime | None:
    """When the scheduler last beat, or None if it never has."""
    state = session.get(JobState, HEARTBEAT)
    return state.last_ok_at if state else None


def failing_jobs(*, session: Session) -> list[JobState]:
    """Jobs in an open incident (failed at least FAILURES_FOR_INCIDENT times in a row)."""
    return list(
        session.exec(
            select(JobState)
            .where(JobState.incident_since.is_not(None))  # type: ignore[union-attr]
            .order_by(JobState.name)
        ).all()
    )


def all_jobs(*, session: Session) -> list[JobState]:
    """Every job's row, the heartbeat's included."""
    return list(session.exec(select(JobState).order_by(JobState.name)).all())
