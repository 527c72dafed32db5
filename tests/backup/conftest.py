"""The CLI against a database chosen by each test (a copy has two)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from unmentor.cli import app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `unmentor ARGS` in an empty folder with the given UNMENTOR_* settings."""
    (tmp_path / "config.toml").write_text((REPO / "config.toml").read_text())
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, **settings: str):
        for name, value in settings.items():
            monkeypatch.setenv(f"UNMENTOR_{name.upper()}", value)
        return CliRunner().invoke(app, list(args), catch_exceptions=False)

    return invoke
