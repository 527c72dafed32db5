"""The id each table would hand out next, read from and written to either database.

Participant, organisation, blocked-pair and story ids are never reused (an erased person's id could
otherwise reach a newcomer through a kept link or URL). SQLite keeps that promise with its
AUTOINCREMENT counter in `sqlite_sequence`, PostgreSQL with sequences; a copy or a restore
carries the counter, not only the rows, so that erasing the newest person before a move does
not free their id on the other side.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, select, text

# Tables whose id appears outside the database (URLs, links, API paths).
CARRIED = ("organisation", "participant", "blocked_pair", "round", "story")


def _max_id(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.max(table.c.id))).scalar() or 0)


def next_id(connection: Connection, table: Table) -> int:
    """The id the next row of `table` would get: past every id it holds or ever gave out."""
    highest = _max_id(connection, table)
    if connection.dialect.name == "sqlite":
        row = connection.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = :name"), {"name": table.name}
        ).first()
        # No sqlite_sequence at all when no AUTOINCREMENT table exists; a missing row means
        # the table has never had a row.
        return max(highest, int(row[0]) if row else 0) + 1
    sequence = connection.execute(
        text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": f'"{table.name}"'}
    ).scalar()
    if sequence is None:
        return highest + 1
    last, called = connection.execute(text(f"SELECT last_value, is_called FROM {sequence}")).one()
    return max(highest, int(last) if called else int(last) - 1) + 1


def set_next_id(connection: Connection, table: Table, value: int) -> None:
    """Make `table` hand out `value` next (never less than past its highest id)."""
    value = max(value, _max_id(connection, table) + 1)
    if connection.dialect.name == "sqlite":
        if table.dialect_kwargs.get("sqlite_autoincrement"):
            # The row exists once the table has had a row; create it otherwise.
            updated = connection.execute(
                text("UPDATE sqlite_sequence SET seq = :seq WHERE name = :name"),
                {"seq": value - 1, "name": table.name},
            ).rowcount
            if not updated:
                connection.execute(
                    text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
                    {"seq": value - 1, "name": table.name},
                )
        return  # without AUTOINCREMENT SQLite continues after the highest id by itself
    sequence = connection.execute(
        text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": f'"{table.name}"'}
    ).scalar()
    if sequence is None:
        return
    if value > 1:
        connection.execute(
            text("SELECT setval(:seq, :value, true)"), {"seq": sequence, "value": value - 1}
        )
    else:
        connection.execute(text("SELECT setval(:seq, 1, false)"), {"seq": sequence})
