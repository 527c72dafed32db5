"""Bulk inserts that stay fast on both databases."""

from __future__ import annotations

from enum import Enum

from sqlalchemy import Connection, Table, insert


def insert_rows(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts keyed by column name, plain Python values) into `table`.

    On PostgreSQL through COPY: an executemany sends one INSERT per row, and each fires the
    data-version trigger (once per statement) and pays a round of parsing, which made a
    40,000-row restore take 22 s; multi-row INSERTs spent as long compiling in SQLAlchemy.
    SQLite's executemany is already its fast path.
    """
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    columns = ", ".join(f'"{name}"' for name in names)
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None  # a connection in use holds its DBAPI connection
    cursor = dbapi.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(
                    [value.value if isinstance(value, Enum) else value for value in row.values()]
                )
    finally:
        cursor.close()
