"""Engines, sessions and migrations.

SQLite is the embedded default and gets WAL, a busy timeout and foreign keys on every connection.
Writers open their transaction with BEGIN IMMEDIATE so that two writers queue on the busy timeout
instead of failing half way with "database is locked" when a read lock cannot be upgraded.
Read-only work (pages, exports, pictures) uses a second engine with ordinary deferred
transactions, so it never holds the write lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(
    database_url: str, *, immediate_transactions: bool = True, foreign_keys: bool = True
) -> Engine:
    """An engine for `database_url`; on SQLite every connection gets the pragmas we rely on.

    `foreign_keys=False` is for migrations only: rebuilding a table in SQLite drops the old one,
    which with foreign keys on would cascade into every row that refers to it.
    """
    if not database_url.startswith("sqlite"):
        return create_engine(database_url, pool_pre_ping=True)
    engine = create_engine(database_url, connect_args={"check_same_thread": False})
    begin_statement = "BEGIN IMMEDIATE" if immediate_transactions else "BEGIN"

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection, _record) -> None:
        # Take transaction control away from the sqlite3 module so that our BEGIN is used.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, so an erased person's bytes do not linger
        # in free pages of the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql(begin_statement)

    return engine


class Database:
    """The service's connection to its database: a writer engine and a reader engine."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = make_engine(database_url, immediate_transactions=True)
        self.read_engine = (
            make_engine(database_url, immediate_transactions=False)
            if database_url.startswith("sqlite")
            else self.engine
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for work that writes; commits on success, rolls back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for work that only reads; it never takes SQLite's write lock."""
        # Closing (not rolling back) ends the transaction and keeps loaded objects readable.
        with Session(self.read_engine, expire_on_commit=False) as session:
            yield session

    def checkpoint(self) -> bool:
        """Copy SQLite's WAL into the database file and empty it; True when it was emptied.

        After an erasure the WAL still holds the old copies of the pages it changed. Best
        effort: a reader in the middle of a transaction keeps its frames, and the next
        checkpoint (SQLite runs one every 1000 pages) removes them.
        """
        if not self.is_sqlite:
            return True
        # Outside any transaction (SQLAlchemy would BEGIN first): the raw connection is in
        # autocommit mode, as every connection of ours is (isolation_level = None).
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cursor.close()
        except Exception:  # a busy database must not fail the erasure that asked for this
            return False
        finally:
            raw.close()
        return busy == 0

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def alembic_config(database_url: str) -> Config:
    """Alembic configuration pointing at our packaged migrations; no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


# Any constant shared by every unmentor process; it names the migration lock in PostgreSQL.
MIGRATION_LOCK_ID = 0x756E6D656E746F72  # "unmentor"


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema at `database_url` up to `revision` (creating the SQLite file if needed).

    Safe to run twice at once (two containers starting, say): PostgreSQL runs migrations under
    a transaction-level advisory lock and SQLite under BEGIN IMMEDIATE, so the second run waits,
    then finds the schema current.
    """
    _migrate(database_url, lambda config: command.upgrade(config, revision))


def downgrade(database_url: str, revision: str) -> None:
    """Take the schema at `database_url` back to `revision`."""
    _migrate(database_url, lambda config: command.downgrade(config, revision))


def _migrate(database_url: str, run) -> None:
    engine = make_engine(database_url, foreign_keys=False)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})")
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            run(config)
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision this version of the code knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(database_url: str) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    database = Database(database_url)
    try:
        with database.read_engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        database.dispose()
