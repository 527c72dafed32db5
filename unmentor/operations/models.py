"""What the scheduler last did, per job: the heartbeat, the metrics and the alerts read it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

# The row the scheduler's heartbeat job refreshes every minute.
HEARTBEAT = "heartbeat"


class JobState(SQLModel, table=True):
    """One row per scheduler job, updated after every run, in whichever process ran it.

    Kept in the database rather than in memory because the scheduler and the web workers are
    different processes: /readyz and /metrics, answered by any worker, must see the same state.
    """

    __tablename__ = "job_state"

    name: str = Field(max_length=40, primary_key=True)
    runs: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    last_finished_at: datetime | None = None
    last_ok_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    # When the current run of failures reached the alert threshold; None while the job works.
    # The organisers' alert email is keyed by it, so one incident sends one email.
    incident_since: datetime | None = None
