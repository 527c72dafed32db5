"""organiser accounts, their API tokens and sign-in links, and the audit log

- organiser: named organisers with a role (organiser | viewer), never deleted, only removed.
- organiser_api_token: named API tokens per organiser, stored as SHA-256, revocable, with
  the time they were last used.
- organiser_link: single-use emailed sign-in links for organisers, stored as SHA-256.
- audit_entry: who did what to what, and when.
- sign_in_session.organiser_id: whose organiser session it is (an added nullable column, so
  SQLite rebuilds no table).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString
Moment = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "organiser",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", String(length=200), nullable=False),
        sa.Column("email", String(length=320), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "organiser",
                "viewer",
                name="organiserrole_check",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_at", Moment(), nullable=False),
        sa.Column("removed_at", Moment(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "organiser_api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("name", String(length=100), nullable=False),
        sa.Column("token_hash", String(length=64), nullable=False),
        sa.Column("created_at", Moment(), nullable=False),
        sa.Column("last_used_at", Moment(), nullable=True),
        sa.Column("revoked_at", Moment(), nullable=True),
        sa.ForeignKeyConstraint(["organiser_id"], ["organiser.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_organiser_api_token_organiser_id", "organiser_api_token", ["organiser_id"])
    op.create_table(
        "organiser_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", String(length=64), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("created_at", Moment(), nullable=False),
        sa.Column("expires_at", Moment(), nullable=False),
        sa.Column("used_at", Moment(), nullable=True),
        sa.ForeignKeyConstraint(["organiser_id"], ["organiser.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_organiser_link_organiser_id", "organiser_link", ["organiser_id"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", Moment(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("organiser_name", String(length=200), nullable=False),
        sa.Column("action", String(length=40), nullable=False),
        sa.Column("target", String(length=200), nullable=False),
        sa.Column("detail", String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    op.add_column("sign_in_session", sa.Column("organiser_id", sa.Integer(), nullable=True))
    op.create_index("ix_sign_in_session_organiser_id", "sign_in_session", ["organiser_id"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_session_organiser_id", table_name="sign_in_session")
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop the table's triggers.
    op.drop_column("sign_in_session", "organiser_id")
    op.drop_index("ix_audit_entry_at", table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_index("ix_organiser_link_organiser_id", table_name="organiser_link")
    op.drop_table("organiser_link")
    op.drop_index("ix_organiser_api_token_organiser_id", table_name="organiser_api_token")
    op.drop_table("organiser_api_token")
    op.drop_table("organiser")
