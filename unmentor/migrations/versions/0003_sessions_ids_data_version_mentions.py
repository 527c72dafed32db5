"""sessions, never-reused ids, data version, outbox mentions

- sign_in_session: server-side sessions behind the sign-in cookies.
- participant and organisation get SQLite's AUTOINCREMENT (a table rebuild there), so an
  erased person's id is never handed to the next newcomer. PostgreSQL sequences never reuse.
- data_version: a counter bumped by triggers on every write to the tables the network
  pictures and statistics are drawn from, so caches check one row instead of the network.
- outbox_mention: who an email names besides its recipient, for complete erasure.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables whose rows the network pictures and statistics are drawn from.
NETWORK_TABLES = ("participant", "organisation", "round", "round_member", "round_sitout")
REBUILT_FOR_AUTOINCREMENT = ("organisation", "participant")

SQLITE_BUMP = (
    "INSERT INTO data_version (name, version) VALUES ('network', 1) "
    "ON CONFLICT (name) DO UPDATE SET version = version + 1"
)

# PostgreSQL holds a bumped row's lock until the transaction commits, so one counter row
# would make every sign-up and answer wait for the one before it (measured: answers and
# sign-ups capped near 60/s). The counter is split into 16 rows picked by transaction id; the
# version is their sum, which still grows with every committed change.
POSTGRES_BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION unmentor_bump_network_version() RETURNS trigger AS $$
BEGIN
    INSERT INTO data_version (name, version)
    VALUES ('network:' || (txid_current() % 16)::text, 1)
    ON CONFLICT (name) DO UPDATE SET version = data_version.version + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.execute("INSERT INTO data_version (name, version) VALUES ('network', 1)")
    op.create_table(
        "sign_in_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "participant",
                "organiser",
                name="sessionkind_check",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("organiser_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("sign_in_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_session_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sign_in_session_participant_id"), ["participant_id"], unique=False
        )
    op.create_table(
        "outbox_mention",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["outbox_message.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id", "participant_id"),
    )
    with op.batch_alter_table("outbox_mention", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_mention_participant_id"), ["participant_id"], unique=False
        )

    if op.get_bind().dialect.name == "sqlite":
        # unmentor.db.upgrade runs SQLite migrations with foreign keys off, so dropping the old
        # table during the rebuild cascades nowhere; it checks the keys before committing.
        for table in REBUILT_FOR_AUTOINCREMENT:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass
        for table in NETWORK_TABLES:
            for action in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER bump_network_after_{action.lower()}_{table} "
                    f'AFTER {action} ON "{table}" BEGIN {SQLITE_BUMP}; END'
                )
    else:
        op.execute(POSTGRES_BUMP_FUNCTION)
        for table in NETWORK_TABLES:
            # Once per statement, not per row: a round of 100,000 members bumps it once.
            op.execute(
                f"CREATE TRIGGER bump_network_version AFTER INSERT OR UPDATE OR DELETE "
                f'OR TRUNCATE ON "{table}" FOR EACH STATEMENT '
                "EXECUTE FUNCTION unmentor_bump_network_version()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in NETWORK_TABLES:
            for action in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS bump_network_after_{action}_{table}")
        for table in REBUILT_FOR_AUTOINCREMENT:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": False}
            ):
                pass
    else:
        for table in NETWORK_TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS bump_network_version ON "{table}"')
        op.execute("DROP FUNCTION IF EXISTS unmentor_bump_network_version()")
    with op.batch_alter_table("outbox_mention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_mention_participant_id"))
    op.drop_table("outbox_mention")
    with op.batch_alter_table("sign_in_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_session_participant_id"))
        batch_op.drop_index(batch_op.f("ix_sign_in_session_expires_at"))
    op.drop_table("sign_in_session")
    op.drop_table("data_version")
