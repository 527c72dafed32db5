"""`unmentor db copy --to URL`: the SQLite database moved into an empty PostgreSQL one.

The way to grow: stop the service (or not: the copy reads one consistent snapshot, but
changes made after it starts stay behind), copy, point `database_url` at PostgreSQL, start.
Every table is copied with its ids, in the order foreign keys need, in batches, inside one
transaction on the target, so that a failure half way leaves the target empty. Row counts
are compared before committing, and the id counters are carried (see `ids`), so no id is
ever handed out twice, erased ones included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import create_engine, func, select

from unmentor import db
from unmentor.backup import ids
from unmentor.backup.bulk import insert_rows
from unmentor.errors import Conflict
from unmentor.tables import metadata
from unmentor.transfer.restore import in_use

BATCH = 5_000
# The target keeps its own: its migrations wrote the counter rows PostgreSQL's triggers use.
NOT_COPIED = {"data_version"}
# (table, rows copied so far, rows in all)
Progress = Callable[[str, int, int], None]


@dataclass
class Copied:
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _nothing(_table: str, _done: int, _total: int) -> None:
    pass


def copy_database(
    *, source_url: str, target_url: str, batch: int = BATCH, progress: Progress = _nothing
) -> Copied:
    """Copy every row of the SQLite database at `source_url` into an empty PostgreSQL one.

    Migrates the target first. Conflict (with a sentence for people) when the source is not
    SQLite, the target not PostgreSQL, the target holds data, or a count disagrees.
    """
    if not source_url.startswith("sqlite"):
        raise Conflict("db copy copies a SQLite database; database_url is not SQLite.")
    if not target_url.startswith("postgresql"):
        raise Conflict("db copy writes into PostgreSQL: --to must be a postgresql:// URL.")
    db.upgrade(target_url)
    source = db.make_engine(source_url, immediate_transactions=False)
    target = create_engine(target_url)
    copied = Copied()
    try:
        # One read transaction (begun by the first query): a snapshot, even while the
        # service keeps writing.
        with source.connect() as reading, target.begin() as writing:
            busy = in_use(writing)
            if busy:
                raise Conflict(
                    "the target database is not empty (" + ", ".join(busy) + "); db copy only "
                    "writes into a new, empty PostgreSQL database."
                )
            for table in metadata.sorted_tables:
                if table.name in NOT_COPIED:
                    continue
                total = reading.execute(select(func.count()).select_from(table)).scalar_one()
                names = [column.name for column in table.c]
                order = list(table.primary_key.columns)
                rows = reading.execute(select(table).order_by(*order)).yield_per(batch)
                done = 0
                progress(table.name, done, total)
                for chunk in rows.partitions(batch):
                    batch_rows = [dict(zip(names, row, strict=True)) for row in chunk]
                    insert_rows(writing, table, batch_rows)
                    done += len(chunk)
                    progress(table.name, done, total)
                written = writing.execute(select(func.count()).select_from(table)).scalar()
                if written != total:
                    raise Conflict(
                        f"{table.name}: {total} rows in SQLite but {written} written; "
                        "nothing was copied."
                    )
                copied.tables[table.name] = total
                if "id" in table.c and table.c.id.primary_key:
                    ids.set_next_id(writing, table, ids.next_id(reading, table))
            reading.rollback()
    finally:
        source.dispose()
        target.dispose()
    return copied
