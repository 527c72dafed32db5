"""a one-line "about me" per participant

- participant.about_me: an optional line (at most 140 characters) in the person's own words,
  shown to their groupmates in introductions.

An added nullable column only: no table is rebuilt on SQLite, so the triggers and
AUTOINCREMENT counters of earlier revisions are untouched.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "participant",
        sa.Column("about_me", sqlmodel.sql.sqltypes.AutoString(length=140), nullable=True),
    )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop the table's triggers.
    op.drop_column("participant", "about_me")
