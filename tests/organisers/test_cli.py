"""`unmentor organisers`: the first account from the shell, listing, own data and erasure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unmentor.cli import app
from unmentor.db import Database
from unmentor.organisers.models import AuditEntry, Organiser

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "config.toml").write_text((REPO / "config.toml").read_text())
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), catch_exceptions=False)


def test_add_list_data_and_erase_an_organiser(run, tmp_path: Path) -> None:
    run("db", "upgrade")
    added = run("organisers", "add", "Olga@Example.org", "--name", "Olga Org")
    assert added.exit_code == 0 and "sign-in link is in the outbox" in added.output
    viewer = run("organisers", "add", "vic@example.org", "--name", "Vic", "--role", "viewer")
    assert viewer.exit_code == 0
    assert run("organisers", "add", "olga@example.org", "--name", "Again").exit_code == 1
    listed = run("organisers", "list").output
    assert "organiser Olga Org <olga@example.org>" in listed and "viewer" in listed

    data = json.loads(run("organisers", "data", "olga@example.org").output)
    assert data["organiser"]["email"] == "olga@example.org"
    assert [e["action"] for e in data["audit"]] == [], "the CLI acts as 'command line'"

    assert run("organisers", "erase", "vic@example.org").exit_code == 0
    database = Database(f"sqlite:///{tmp_path / 'unmentor.db'}")
    try:
        with database.read_session() as session:
            vic = session.get(Organiser, 2)
            entries = session.exec(AuditEntry.__table__.select()).all()
    finally:
        database.dispose()
    assert vic.removed_at is not None and vic.name == "erased organiser 2"
    assert "vic@example.org" not in vic.email
    assert {e.organiser_name for e in entries} == {"command line"}
    assert not any("Vic" in e.detail for e in entries), "the name is gone from the log"
