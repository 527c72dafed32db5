"""blocked pairs: never-match lists

- blocked_pair: who asked never to be introduced to whom (a participant, or an address they
  typed that may belong to nobody yet), where the request came from, and when.
- the data_version triggers of 0003 on blocked_pair too: the organisers' statistics count
  people kept apart, and are cached under that version.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0003 (migrations do not import each other: each stays as it was written).
SQLITE_BUMP = (
    "INSERT INTO data_version (name, version) VALUES ('network', 1) "
    "ON CONFLICT (name) DO UPDATE SET version = version + 1"
)
ACTIONS = ("insert", "update", "delete")


def upgrade() -> None:
    op.create_table(
        "blocked_pair",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=True),
        sa.Column("other_email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "participant",
                "organiser",
                "import",
                name="blocksource_check",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "other_id IS NOT NULL OR other_email IS NOT NULL",
            name="ck_blocked_pair_names_someone",
        ),
        sa.CheckConstraint(
            "other_id IS NULL OR other_id <> participant_id", name="ck_blocked_pair_self"
        ),
        sa.ForeignKeyConstraint(["other_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("participant_id", "other_email", name="uq_blocked_pair_email"),
        sa.UniqueConstraint("participant_id", "other_id", name="uq_blocked_pair_other"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("blocked_pair", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blocked_pair_other_email"), ["other_email"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_blocked_pair_other_id"), ["other_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for action in ACTIONS:
            op.execute(
                f"CREATE TRIGGER bump_network_after_{action}_blocked_pair "
                f'AFTER {action.upper()} ON "blocked_pair" BEGIN {SQLITE_BUMP}; END'
            )
    else:
        op.execute(
            "CREATE TRIGGER bump_network_version AFTER INSERT OR UPDATE OR DELETE "
            'OR TRUNCATE ON "blocked_pair" FOR EACH STATEMENT '
            "EXECUTE FUNCTION unmentor_bump_network_version()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for action in ACTIONS:
            op.execute(f"DROP TRIGGER IF EXISTS bump_network_after_{action}_blocked_pair")
    else:
        op.execute('DROP TRIGGER IF EXISTS bump_network_version ON "blocked_pair"')
    with op.batch_alter_table("blocked_pair", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blocked_pair_other_id"))
        batch_op.drop_index(batch_op.f("ix_blocked_pair_other_email"))
    op.drop_table("blocked_pair")
