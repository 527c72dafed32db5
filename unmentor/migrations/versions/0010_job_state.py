"""job state and outbox indexes: the heartbeat, job runs and failures, cheap metrics

- job_state: one row per scheduler job (runs, failures, failures in a row, last success,
  last error, when the current incident began); the row "heartbeat" is refreshed every minute.
- outbox_message: partial indexes of the mail still to send and of mail given up on, so
  that /metrics counts both from small indexes however many sent messages the table keeps.

A new table and indexes only: nothing existing is rebuilt.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_state",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_ok_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("incident_since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    pending = sa.text("sent_at IS NULL AND failed_at IS NULL")
    op.create_index(
        "ix_outbox_message_pending",
        "outbox_message",
        ["sent_at", "failed_at", "created_at"],
        sqlite_where=pending,
        postgresql_where=pending,
    )
    failed = sa.text("failed_at IS NOT NULL")
    op.create_index(
        "ix_outbox_message_failed_at",
        "outbox_message",
        ["failed_at"],
        sqlite_where=failed,
        postgresql_where=failed,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_message_pending", table_name="outbox_message")
    op.drop_index("ix_outbox_message_failed_at", table_name="outbox_message")
    op.drop_table("job_state")
