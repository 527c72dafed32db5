"""Whether this instance should get traffic: database, schema, scheduler heartbeat.

/healthz says the process is alive; /readyz says it can do its work. A load balancer takes an
instance out while it answers 503, and the JSON body names every check that failed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import Session

from unmentor.db import Database
from unmentor.operations.jobs import heartbeat_at

# The heartbeat job runs every minute: three missed beats mean the scheduler is gone or stuck.
HEARTBEAT_MAX_AGE = timedelta(minutes=3)


def check(
    *, database: Database, head: str, expect_scheduler: bool, now: datetime
) -> dict[str, str]:
    """Each check's verdict: "ok", or what is wrong. Everything is ready when all are "ok"."""
    checks: dict[str, str] = {}
    try:
        with database.read_engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = MigrationContext.configure(connection).get_current_revision()
            checks["database"] = "ok"
            checks["migrations"] = (
                "ok" if current == head else f"at {current or 'nothing'}, the code needs {head}"
            )
            if expect_scheduler:
                checks["scheduler"] = _heartbeat(connection, now)
    except Exception as error:  # any failure to reach the database is "not ready"
        checks["database"] = f"unreachable: {type(error).__name__}"
    return checks


def _heartbeat(connection, now: datetime) -> str:
    try:
        with Session(bind=connection) as session:
            beat = heartbeat_at(session=session)
    except Exception as error:  # e.g. the job_state table is missing while migrations lag
        return f"heartbeat unreadable: {type(error).__name__}"
    if beat is None:
        return "no heartbeat yet"
    age = now - beat
    if age > HEARTBEAT_MAX_AGE:
        return f"last heartbeat {int(age.total_seconds())} s ago"
    return "ok"
