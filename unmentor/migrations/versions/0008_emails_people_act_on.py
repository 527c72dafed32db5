"""emails people act on: HTML and calendar parts in the outbox

outbox_message.parts holds, as JSON, an email's HTML alternative, extra headers
(List-Unsubscribe) and attached calendar files until the email is sent.

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Adding a nullable column is in place on both SQLite and PostgreSQL: no table rebuild.
    op.add_column("outbox_message", sa.Column("parts", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.drop_column("parts")
