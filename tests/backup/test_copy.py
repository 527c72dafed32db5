"""`unmentor db copy --to URL`: a live SQLite database into an empty PostgreSQL one."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from tests.backup_support import emptied, live_community
from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.people import membership
from unmentor.people.models import Participant
from unmentor.people.schemas import SignupRequest
from unmentor.privacy.erasure import erase_person
from unmentor.settings import load_settings
from unmentor.tables import metadata
from unmentor.transfer.exporting import FILES, export_all


def _rows(database: Database) -> dict[str, list[tuple]]:
    """Every row of every copied table, in primary-key order."""
    with database.read_engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in metadata.sorted_tables
            if table.name != "data_version"
        }


def test_copy_keeps_every_row_and_id_and_carries_the_counters(
    cli, sqlite_url, postgres_database, tmp_path: Path
) -> None:
    source = Database(sqlite_url)
    live_community(source)
    settings = load_settings(database_url=sqlite_url, secret_key="k" * 32)
    with source.session() as session:  # a pending sign-up: a link and an email in the outbox
        membership.sign_up(
            session=session,
            request=SignupRequest(name="Pat Pending", email="pat@example.org"),
            settings=settings,
            now=utcnow(),
        )
        gone = Participant(name="Gone Too", email="gone.too@example.org")
        session.add(gone)
        session.flush()
        gone_id = gone.id
    erase_person(database=source, participant_id=gone_id, settings=settings, now=utcnow())
    target = emptied(postgres_database)
    result = cli("db", "copy", "--to", postgres_database, database_url=sqlite_url)
    assert result.exit_code == 0, result.output
    assert "participant: 42 rows" in result.output
    assert "every count checked" in result.output

    before, after = _rows(source), _rows(target)
    assert before["outbox_message"] and before["link_token"]
    assert after == before
    export_all(database=source, directory=tmp_path / "sqlite")
    export_all(database=target, directory=tmp_path / "postgresql")
    for name in FILES:
        assert (tmp_path / "sqlite" / name).read_bytes() == (
            tmp_path / "postgresql" / name
        ).read_bytes()
    with source.read_engine.connect() as connection:
        erased = connection.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = 'participant'")
        ).scalar()
    assert erased == gone_id > max(row[0] for row in before["participant"])
    with target.session() as session:
        newcomer = Participant(name="New", email="new@example.org")
        session.add(newcomer)
        session.flush()
        assert newcomer.id == erased + 1  # the erased id is not handed out again

    again = cli("db", "copy", "--to", postgres_database, database_url=sqlite_url)
    assert again.exit_code == 1
    assert "the target database is not empty (" in again.output
    assert "organisation, " in again.output and "organiser, " in again.output
    source.dispose()
    target.dispose()


def test_copy_refuses_a_target_that_is_not_postgresql(cli, sqlite_url, tmp_path) -> None:
    result = cli("db", "copy", "--to", f"sqlite:///{tmp_path}/other.db", database_url=sqlite_url)
    assert result.exit_code == 1
    assert "--to must be a postgresql:// URL" in result.output
