"""a second chance inside the round

- round_member.chance: 1 for the groups a round is formed with, 2 for a second-chance group
  formed later in the round among members who asked for someone else.
- round_member.second_chance / second_chance_asked_at: on the row a member asked from, their
  request (waiting, found, not_found) and when they asked.
- round_member.joined_at: when a second-chance group was formed (times are suggested from
  then); None in the groups a round is formed with.
- The unique (round_id, participant_id) becomes (round_id, participant_id, chance): an asker
  keeps their first group on record and joins one more.

SQLite cannot drop a table's UNIQUE constraint in place, so round_member is rebuilt; the
rebuild drops its triggers, recreated here as 0003 made them. round_member has no
AUTOINCREMENT counter to carry over.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_BUMP = (
    "INSERT INTO data_version (name, version) VALUES ('network', 1) "
    "ON CONFLICT (name) DO UPDATE SET version = version + 1"
)


def _recreate_sqlite_triggers() -> None:
    for action in ("INSERT", "UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS bump_network_after_{action.lower()}_round_member "
            f'AFTER {action} ON "round_member" BEGIN {SQLITE_BUMP}; END'
        )


def upgrade() -> None:
    with op.batch_alter_table("round_member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chance", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(
            sa.Column(
                "second_chance",
                sa.Enum(
                    "waiting",
                    "found",
                    "not_found",
                    name="secondchance_check",
                    native_enum=False,
                    create_constraint=True,
                    length=16,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "second_chance_asked_at",
                sqlmodel.sql.sqltypes.UTCDateTime(),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("joined_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.drop_constraint("uq_round_member_once_per_round", type_="unique")
        batch_op.create_unique_constraint(
            "uq_round_member_once_per_chance", ["round_id", "participant_id", "chance"]
        )
    if op.get_bind().dialect.name == "sqlite":
        _recreate_sqlite_triggers()


def downgrade() -> None:
    second = op.get_bind().execute(sa.text("SELECT count(*) FROM round_member WHERE chance > 1"))
    if second.scalar():
        raise RuntimeError("Some rounds have second-chance groups; remove them before downgrading.")
    with op.batch_alter_table("round_member", schema=None) as batch_op:
        batch_op.drop_constraint("uq_round_member_once_per_chance", type_="unique")
        batch_op.create_unique_constraint(
            "uq_round_member_once_per_round", ["round_id", "participant_id"]
        )
        # The CHECK goes first: SQLite's rebuild would otherwise copy it without its column.
        batch_op.drop_constraint("secondchance_check", type_="check")
        batch_op.drop_column("joined_at")
        batch_op.drop_column("second_chance_asked_at")
        batch_op.drop_column("second_chance")
        batch_op.drop_column("chance")
    if op.get_bind().dialect.name == "sqlite":
        _recreate_sqlite_triggers()
