"""participants without an organisation

participant.organisation_id becomes nullable: freelancers and independents take part with a
blank organisation, and such a person may meet anyone.

SQLite cannot change a column's nullability in place, so the table is rebuilt; the rebuild
drops the table's triggers (recreated here, as 0003 made them) and would restart the
AUTOINCREMENT counter at the highest id left, handing an erased person's id to the next
newcomer, so the counter is carried over.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_BUMP = (
    "INSERT INTO data_version (name, version) VALUES ('network', 1) "
    "ON CONFLICT (name) DO UPDATE SET version = version + 1"
)


def _set_nullable(nullable: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.alter_column(
            "participant", "organisation_id", existing_type=sa.Integer(), nullable=nullable
        )
        return
    counter = bind.execute(
        sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'participant'")
    ).scalar()
    with op.batch_alter_table(
        "participant", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=nullable)
    if counter is not None:
        bind.execute(
            sa.text("UPDATE sqlite_sequence SET seq = max(seq, :seq) WHERE name = 'participant'"),
            {"seq": counter},
        )
    for action in ("INSERT", "UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS bump_network_after_{action.lower()}_participant "
            f'AFTER {action} ON "participant" BEGIN {SQLITE_BUMP}; END'
        )


def upgrade() -> None:
    _set_nullable(True)


def downgrade() -> None:
    blank = op.get_bind().execute(
        sa.text("SELECT count(*) FROM participant WHERE organisation_id IS NULL")
    )
    if blank.scalar():
        raise RuntimeError(
            "Some participants have no organisation; give them one before downgrading."
        )
    _set_nullable(False)
