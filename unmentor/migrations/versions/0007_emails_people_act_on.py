"""emails people act on, and finding a time

outbox_message.parts holds, as JSON, an email's HTML alternative, extra headers
(List-Unsubscribe) and attached calendar files until the email is sent. participant gains
free_times and time_zone; round_member gains meeting_at, the slot the group picked.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Adding a nullable column is in place on both SQLite and PostgreSQL: no table rebuild.
    op.add_column("outbox_message", sa.Column("parts", sa.Text(), nullable=True))
    op.add_column(
        "participant",
        sa.Column("free_times", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    )
    op.add_column(
        "participant",
        sa.Column("time_zone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.add_column(
        "round_member",
        sa.Column("meeting_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+): a batch rebuild would drop participant's triggers
    # and restart its AUTOINCREMENT counter (see 0005).
    op.drop_column("round_member", "meeting_at")
    op.drop_column("participant", "time_zone")
    op.drop_column("participant", "free_times")
    op.drop_column("outbox_message", "parts")
