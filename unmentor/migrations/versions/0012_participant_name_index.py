"""an index on lower(participant.name), for the organiser's directory of people

The directory lists people by name ignoring case, a page at a time: without the index every
page of 100,000 people sorts them all. An index only: no table is rebuilt.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_participant_name_lower", "participant", [sa.text("lower(name)")], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_participant_name_lower", table_name="participant")
