"""The database layer: SQLite pragmas, write locking, and migrations that match the models."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, text

from unmentor.db import Database, current_revision, head_revision, upgrade
from unmentor.tables import metadata


@pytest.mark.parametrize("engine_name", ["engine", "read_engine"])
def test_sqlite_pragmas_are_set_on_every_connection(sqlite_url: str, engine_name: str) -> None:
    database = Database(sqlite_url)
    engine = getattr(database, engine_name)
    try:
        for _ in range(3):  # several pooled connections, not just the first
            with engine.connect() as connection:
                values = [
                    connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                    for name in ("journal_mode", "busy_timeout", "foreign_keys")
                ]
                assert values == ["wal", 10_000, 1]
    finally:
        database.dispose()


def test_writer_takes_the_write_lock_when_it_begins(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    path = sqlite_url.removeprefix("sqlite:///")
    try:
        with database.session() as session:
            session.connection().exec_driver_sql("SELECT 1")  # a read, but in a write transaction
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
    finally:
        database.dispose()


def test_reader_does_not_block_writers(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    path = sqlite_url.removeprefix("sqlite:///")
    try:
        with database.read_session() as session:
            session.connection().exec_driver_sql("SELECT count(*) FROM participant")
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            other.close()
    finally:
        database.dispose()


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"), database.session() as session:
        session.connection().execute(
            text(
                "INSERT INTO participant (name, email, organisation_id, status, created_at,"
                " updated_at) VALUES ('A', 'a@example.org', 999, 'active', :now, :now)"
            ),
            {"now": "2026-01-01 00:00:00"},
        )


# SQLite cannot reflect expression indexes (lower(name)), so alembic skips comparing them
# there, saying so; PostgreSQL compares them, and the test below checks SQLite has them.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_produce_exactly_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_migrations_make_the_expression_indexes(database: Database) -> None:
    expected = {
        index.name
        for table in metadata.tables.values()
        for index in table.indexes
        if any(not isinstance(expression, Column) for expression in index.expressions)
    }
    assert "ix_participant_name_lower" in expected
    with database.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'index'"
        else:
            query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        present = set(connection.execute(text(query)).scalars())
    assert expected <= present


def test_database_is_at_the_newest_revision(database_url: str) -> None:
    assert current_revision(database_url) == head_revision()


def test_upgrade_creates_a_new_sqlite_file_and_is_repeatable(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert current_revision(url) is None
    upgrade(url)
    upgrade(url)
    assert current_revision(url) == head_revision()


@pytest.mark.slow
def test_two_upgrades_at_once_on_an_empty_database(tmp_path, request) -> None:
    """Two containers starting together both run `db upgrade`: both succeed, schema at head.

    Issue 9 measured one of the two crashing in 12 of 20 trials on PostgreSQL before the
    migration lock.
    """
    import subprocess
    import sys
    import uuid

    from sqlalchemy import create_engine, make_url

    from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES

    urls = [f"sqlite:///{tmp_path / f'race{trial}.db'}" for trial in range(3)]
    admin = None
    try:
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for _ in range(6):
                name = f"unmentor_race_{uuid.uuid4().hex[:10]}"
                connection.execute(text(f'CREATE DATABASE "{name}"'))
                urls.append(make_url(POSTGRES_URL).set(database=name).render_as_string(False))
    except Exception:  # without PostgreSQL the SQLite trials still run
        if REQUIRE_POSTGRES:
            raise
    script = "import sys; from unmentor.db import upgrade; upgrade(sys.argv[1])"
    try:
        for url in urls:
            runs = [
                subprocess.Popen(
                    [sys.executable, "-c", script, url],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
                for _ in range(2)
            ]
            outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
            assert [run.returncode for run in runs] == [0, 0], outputs
            assert current_revision(url) == head_revision()
    finally:
        if admin is not None:
            with admin.connect() as connection:
                for url in urls:
                    if url.startswith("postgresql"):
                        name = make_url(url).database
                        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_an_erased_participants_id_is_never_given_again(database: Database) -> None:
    """A second defence behind server-side sessions: nothing that names an old id reaches a
    newcomer (SQLite reused the highest id after a delete before AUTOINCREMENT)."""
    from tests.factories import make_participant
    from unmentor.people.models import Participant

    with database.session() as session:
        make_participant(session, organisation="Keeps Org")
        last = make_participant(session, organisation="Keeps Org")
        last_id = last.id
    with database.session() as session:
        session.delete(session.get(Participant, last_id))
    with database.session() as session:
        newcomer = make_participant(session, organisation="Keeps Org")
    assert newcomer.id > last_id


def test_participants_without_an_organisation_migrate_both_ways(database_url: str) -> None:
    """0005 makes organisation_id nullable; SQLite's rebuild keeps the never-reused ids and
    the data-version triggers; going back refuses while someone has no organisation."""
    from unmentor.db import downgrade

    now = {"now": "2026-01-01 00:00:00"}
    add = (
        "INSERT INTO participant (name, email, organisation_id, status, created_at, updated_at)"
        " VALUES (:name, :email, :org, 'active', :now, :now)"
    )
    downgrade(database_url, "0003")
    database = Database(database_url)
    try:
        with database.session() as session:
            connection = session.connection()
            connection.execute(
                text(
                    "INSERT INTO organisation (name, name_key, created_at) VALUES ('A', 'a', :now)"
                ),
                now,
            )
            org = connection.execute(text("SELECT id FROM organisation")).scalar_one()
            for name in ("ann", "bob"):
                connection.execute(
                    text(add), {"name": name, "email": f"{name}@x.org", "org": org, **now}
                )
            connection.execute(text("DELETE FROM participant WHERE name = 'bob'"))
            bob = 2
        upgrade(database_url)

        def version() -> int:
            with database.read_session() as session:
                return (
                    session.connection()
                    .execute(text("SELECT sum(version) FROM data_version"))
                    .scalar_one()
                )

        before = version()
        with database.session() as session:
            session.connection().execute(
                text(add), {"name": "fay", "email": "fay@x.org", "org": None, **now}
            )
            fay = (
                session.connection()
                .execute(text("SELECT id FROM participant WHERE name = 'fay'"))
                .scalar_one()
            )
        assert fay > bob, "an erased person's id is never given again"
        assert version() > before, "the network's data version still follows participants"
        with pytest.raises(RuntimeError, match="no organisation"):
            downgrade(database_url, "0003")
        assert current_revision(database_url) == head_revision()
    finally:
        database.dispose()


def test_second_chances_migrate_both_ways(database_url: str) -> None:
    """0011 rebuilds round_member on SQLite (a new unique constraint): members already there
    get chance 1, the data-version trigger still follows the table, and going back refuses
    while a second-chance group exists."""
    from unmentor.db import downgrade

    now = {"now": "2026-01-01 00:00:00"}
    downgrade(database_url, "0010")
    database = Database(database_url)
    try:
        with database.session() as session:
            connection = session.connection()
            connection.execute(
                text(
                    "INSERT INTO organisation (name, name_key, created_at) VALUES ('A', 'a', :now)"
                ),
                now,
            )
            org = connection.execute(text("SELECT id FROM organisation")).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO participant (name, email, organisation_id, status, created_at,"
                    " updated_at) VALUES ('ann', 'ann@x.org', :org, 'active', :now, :now)"
                ),
                {"org": org, **now},
            )
            connection.execute(
                text(
                    "INSERT INTO round (number, period, starts_on, reminder_on, closes_on, seed,"
                    " formed_at) VALUES (1, '2026-01', '2026-01-01', '2026-01-10', '2026-01-20',"
                    " 0, :now)"
                ),
                now,
            )
            connection.execute(
                text(
                    "INSERT INTO round_member (round_id, group_no, participant_id)"
                    " SELECT round.id, 1, participant.id FROM round, participant"
                )
            )
        upgrade(database_url)

        def version() -> int:
            with database.read_session() as session:
                return (
                    session.connection()
                    .execute(text("SELECT sum(version) FROM data_version"))
                    .scalar_one()
                )

        with database.read_session() as session:
            chances = session.connection().execute(text("SELECT chance FROM round_member"))
            assert chances.scalars().all() == [1]
        before = version()
        with database.session() as session:
            session.connection().execute(
                text(
                    "INSERT INTO round_member (round_id, group_no, participant_id, chance)"
                    " SELECT round_id, 2, participant_id, 2 FROM round_member"
                )
            )
        assert version() > before, "the network's data version still follows members"
        with pytest.raises(RuntimeError, match="second-chance"):
            downgrade(database_url, "0010")
        assert current_revision(database_url) == head_revision()
    finally:
        database.dispose()
