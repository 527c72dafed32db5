"""organisations: parents, owned email domains, merges; the privacy notice shown at sign-up

- organisation.parent_id (a department inside a council) and organisation.merged_into_id (an
  organisation merged into another stays as an alias of it).
- organisation_domain: email domains an organisation owns.
- organisation_merge and organisation_merge_member: each merge and whom it moved, so it can be
  shown and split again.
- participant.privacy_notice_version: which privacy notice the sign-up page showed.

SQLite adds a REFERENCES column in place but forgets its ON DELETE when the schema is read
back, so organisation is rebuilt there, carrying its AUTOINCREMENT counter and recreating the
data_version triggers of 0003, as 0005 does for participant.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_BUMP = (
    "INSERT INTO data_version (name, version) VALUES ('network', 1) "
    "ON CONFLICT (name) DO UPDATE SET version = version + 1"
)
SELF_REFERENCES = (("parent_id", "SET NULL"), ("merged_into_id", "CASCADE"))


def _rebuild_organisation_sqlite(adding: bool) -> None:
    bind = op.get_bind()
    counter = bind.execute(
        sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'organisation'")
    ).scalar()
    with op.batch_alter_table(
        "organisation", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        for column, ondelete in SELF_REFERENCES:
            if adding:
                batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
                batch_op.create_foreign_key(
                    f"organisation_{column}_fkey",
                    "organisation",
                    [column],
                    ["id"],
                    ondelete=ondelete,
                )
                batch_op.create_index(f"ix_organisation_{column}", [column])
            else:
                batch_op.drop_index(f"ix_organisation_{column}")
                batch_op.drop_constraint(f"organisation_{column}_fkey", type_="foreignkey")
                batch_op.drop_column(column)
    if counter is not None:
        bind.execute(
            sa.text("UPDATE sqlite_sequence SET seq = max(seq, :seq) WHERE name = 'organisation'"),
            {"seq": counter},
        )
    for action in ("INSERT", "UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS bump_network_after_{action.lower()}_organisation "
            f'AFTER {action} ON "organisation" BEGIN {SQLITE_BUMP}; END'
        )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _rebuild_organisation_sqlite(adding=True)
    else:
        for column, ondelete in SELF_REFERENCES:
            op.add_column("organisation", sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(
                f"organisation_{column}_fkey",
                "organisation",
                "organisation",
                [column],
                ["id"],
                ondelete=ondelete,
            )
            op.create_index(f"ix_organisation_{column}", "organisation", [column])
    op.add_column(
        "participant",
        sa.Column(
            "privacy_notice_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
        ),
    )
    op.create_table(
        "organisation_domain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("domain"),
    )
    op.create_index(
        "ix_organisation_domain_organisation_id", "organisation_domain", ["organisation_id"]
    )
    op.create_table(
        "organisation_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("source_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("target_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.Column("merged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("split_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["target_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_organisation_merge_source_id", "organisation_merge", ["source_id"])
    op.create_index("ix_organisation_merge_target_id", "organisation_merge", ["target_id"])
    op.create_table(
        "organisation_merge_member",
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["merge_id"], ["organisation_merge.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merge_id", "participant_id"),
    )
    op.create_index(
        "ix_organisation_merge_member_participant_id",
        "organisation_merge_member",
        ["participant_id"],
    )


def downgrade() -> None:
    op.drop_table("organisation_merge_member")
    op.drop_table("organisation_merge")
    op.drop_table("organisation_domain")
    with op.batch_alter_table("participant") as batch_op:
        batch_op.drop_column("privacy_notice_version")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_organisation_sqlite(adding=False)
        return
    for column, _ in SELF_REFERENCES:
        op.drop_index(f"ix_organisation_{column}", "organisation")
        op.drop_constraint(f"organisation_{column}_fkey", "organisation", type_="foreignkey")
        op.drop_column("organisation", column)
