"""Column types shared by the tables."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum as SAEnum

# The largest value of an INTEGER column (ids, round numbers, seeds) in PostgreSQL and the
# bound every id, number or seed from outside is checked against, so none can overflow it.
MAX_INT = 2**31 - 1


def string_enum(enum: type[StrEnum], name: str) -> SAEnum:
    """An enum stored as its values in a short string column with a CHECK constraint.

    Not a native PostgreSQL enum: SQLite and PostgreSQL then share one migration, and adding
    a value never needs ALTER TYPE.
    """
    return SAEnum(
        enum,
        native_enum=False,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
        create_constraint=True,
        name=name,
    )
