"""Engines, sessions and migrations.

SQLite is the embedded default and gets WAL, a busy timeout and foreign keys on every connection.
Writers open their transaction with BEGIN IMMEDIATE so that two writers queue on the busy timeout
instead of failing half way with "database is locked" when a read lock cannot be upgraded.
Read-only work (pages, exports, pictures) uses a second engine with ordinary deferred
transactions, so it never holds the write lock.

Under a crowd, SQLite's busy handler is a poor queue: each waiting connection sleeps in steps
of up to 100 ms and retries, so the lock sits idle between holders and the unlucky wait past the
busy timeout. Writers in one process therefore queue on a lock of ours first, which hands over
at once; only one connection per process ever waits inside SQLite (for another process). A
writer that cannot get in within `busy_timeout_seconds` raises Busy (HTTP 503 with Retry-After)
rather than failing with "database is locked".
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sqlalchemy_errors
from sqlmodel import Session

from unmentor.errors import Busy

DEFAULT_BUSY_TIMEOUT_SECONDS = 10.0
DEFAULT_POOL_SIZE = 5
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(
    database_url: str,
    *,
    immediate_transactions: bool = True,
    foreign_keys: bool = True,
    busy_timeout_seconds: float = DEFAULT_BUSY_TIMEOUT_SECONDS,
    pool_size: int = DEFAULT_POOL_SIZE,
) -> Engine:
    """An engine for `database_url`; on SQLite every connection gets the pragmas we rely on.

    A request waits at most `busy_timeout_seconds` for a pooled connection or for SQLite's lock;
    the pool holds `pool_size` connections and as many again at peaks.
    `foreign_keys=False` is for migrations only: rebuilding a table in SQLite drops the old one,
    which with foreign keys on would cascade into every row that refers to it.
    """
    pool = {"pool_size": pool_size, "max_overflow": pool_size, "pool_timeout": busy_timeout_seconds}
    if not database_url.startswith("sqlite"):
        return create_engine(database_url, pool_pre_ping=True, **pool)
    if ":memory:" in database_url or database_url.rstrip("/") == "sqlite:":
        pool = {}  # an in-memory database lives in one connection: no pool to size
    engine = create_engine(database_url, connect_args={"check_same_thread": False}, **pool)
    begin_statement = "BEGIN IMMEDIATE" if immediate_transactions else "BEGIN"
    busy_timeout_ms = int(busy_timeout_seconds * 1000)

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection, _record) -> None:
        # Take transaction control away from the sqlite3 module so that our BEGIN is used.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
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


def is_busy_error(error: BaseException) -> bool:
    """Whether a database error means "saturated, try again" rather than a fault of ours."""
    if isinstance(error, sqlalchemy_errors.TimeoutError):  # no pooled connection came free
        return True
    if isinstance(error, sqlalchemy_errors.OperationalError):
        text = str(error.orig).lower()
        return any(
            sign in text
            for sign in ("database is locked", "too many clients", "too many connections")
        )
    return False


class Database:
    """The service's connection to its database: a writer engine and a reader engine."""

    def __init__(
        self,
        database_url: str,
        *,
        busy_timeout_seconds: float = DEFAULT_BUSY_TIMEOUT_SECONDS,
        pool_size: int = DEFAULT_POOL_SIZE,
    ) -> None:
        self.url = database_url
        self.busy_timeout_seconds = busy_timeout_seconds
        self.engine = make_engine(
            database_url,
            immediate_transactions=True,
            busy_timeout_seconds=busy_timeout_seconds,
            pool_size=pool_size,
        )
        sqlite = database_url.startswith("sqlite")
        self.read_engine = (
            make_engine(
                database_url,
                immediate_transactions=False,
                busy_timeout_seconds=busy_timeout_seconds,
                pool_size=pool_size,
            )
            if sqlite
            else self.engine
        )
        # Re-entrant, so that a service opening a second writer session in the same thread
        # fails on SQLite's own lock (loudly) instead of deadlocking here.
        self._write_gate = threading.RLock() if sqlite else None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for work that writes; commits on success, rolls back on error.

        Open and close it in one thread (a `with` block inside the work), never across a
        framework's thread hops: on SQLite it holds this process's write gate throughout.
        """
        gate = self._write_gate
        if gate is not None and not gate.acquire(timeout=self.busy_timeout_seconds):
            raise Busy()
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        finally:
            if gate is not None:
                gate.release()

    @contextmanager
    def write_gate(self, timeout: float | None = None) -> Iterator[None]:
        """This process's turn to write on SQLite (nothing to wait for on PostgreSQL).

        What `session()` holds, for work that writes through a connection of its own (the mail
        relay) around each of its transactions. Raises Busy after `timeout` (default: the busy
        timeout).
        """
        gate = self._write_gate
        wait = self.busy_timeout_seconds if timeout is None else timeout
        if gate is not None and not gate.acquire(timeout=wait):
            raise Busy()
        try:
            yield
        finally:
            if gate is not None:
                gate.release()

    def with_own_pool(self, pool_size: int = 1) -> Database:
        """The same database through engines of its own that share this one's write gate.

        For a long-running worker in a web process (the mail relay): it keeps a connection
        through its run without taking one from the pool requests draw on, and still queues
        for SQLite's write lock with them instead of inside SQLite's busy handler.
        """
        sibling = Database(
            self.url, busy_timeout_seconds=self.busy_timeout_seconds, pool_size=pool_size
        )
        sibling._write_gate = self._write_gate
        return sibling

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


def database_for(settings) -> Database:
    """The database named by `settings`, with its pool and busy-timeout settings."""
    return Database(
        settings.database_url,
        busy_timeout_seconds=settings.busy_timeout_seconds,
        pool_size=settings.database_pool_size,
    )


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

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found in " + str(MIGRATIONS_DIR))
    return head


def current_revision(database_url: str) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    database = Database(database_url)
    try:
        with database.read_engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        database.dispose()
