"""stories: a few sentences a member shares about a conversation that happened

- story: one per round member (round_id, participant_id, chance), pointing at round_member so that
  the story goes with the membership (erasing the author, deleting a round); the text as it
  stands (after any organiser edit), the attribution the author chose (their sector or
  nothing), the review status and when it was decided. Ids are never reused (SQLite
  AUTOINCREMENT): feed readers and the API know a story by its id.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "story",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("chance", sa.Integer(), server_default="1", nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
        sa.Column(
            "attribution",
            sa.Enum(
                "sector",
                "anonymous",
                name="storyattribution_check",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="storystatus_check",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id", "participant_id", "chance"],
            ["round_member.round_id", "round_member.participant_id", "round_member.chance"],
            name="fk_story_round_member",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "round_id", "participant_id", "chance", name="uq_story_once_per_member"
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("story", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_story_participant_id"), ["participant_id"])
        batch_op.create_index(batch_op.f("ix_story_status"), ["status"])


def downgrade() -> None:
    with op.batch_alter_table("story", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_status"))
        batch_op.drop_index(batch_op.f("ix_story_participant_id"))
    op.drop_table("story")
