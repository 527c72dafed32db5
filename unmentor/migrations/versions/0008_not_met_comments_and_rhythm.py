"""not-met comments and a rhythm per person

- round_member.comment: an optional few words with a "we didn't meet" answer, shown only to
  organisers.
- participant.rhythm: take part in every round (1), every second (2) or every third (3);
  everyone already there keeps taking part in every round.

Added columns only (nullable, or with a server default): no table is rebuilt on SQLite, so
the triggers and AUTOINCREMENT counters of earlier revisions are untouched.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "round_member",
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    )
    # A column-level CHECK: SQLite adds it with the column, no table rebuild.
    op.add_column(
        "participant",
        sa.Column(
            "rhythm",
            sa.Integer(),
            sa.CheckConstraint("rhythm IN (1, 2, 3)", name="ck_participant_rhythm"),
            nullable=False,
            server_default="1",
        ),
    )


def downgrade() -> None:
    op.drop_column("participant", "rhythm")
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop round_member's triggers.
    op.drop_column("round_member", "comment")
