"""Settings: one documented source, overridable by environment, safe in production."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

from unmentor.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "config.toml"


def test_every_config_key_is_a_documented_setting_and_the_reverse() -> None:
    keys = set(tomllib.loads(CONFIG.read_text()))
    fields = set(Settings.model_fields)
    assert keys - fields == set(), "config.toml has keys that Settings does not know"
    assert fields - keys == set(), "Settings has fields missing from config.toml"
    undocumented = [name for name, f in Settings.model_fields.items() if not f.description]
    assert undocumented == []


def test_every_config_key_has_a_comment_nearby() -> None:
    lines = CONFIG.read_text().splitlines()
    for number, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            before = lines[max(0, number - 8) : number]
            assert any(earlier.startswith("#") for earlier in before), line


def test_config_file_values_are_read(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('smtp_port = 2525\nmail_backend = "file"\n')
    settings = load_settings(config)
    assert settings.smtp_port == 2525
    assert settings.mail_backend == "file"


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text("smtp_port = 2525\n")
    monkeypatch.setenv("UNMENTOR_SMTP_PORT", "4650")
    assert load_settings(config).smtp_port == 4650


def test_unknown_key_in_the_file_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("smtp_prot = 25\n")
    with pytest.raises(ValidationError, match="smtp_prot"):
        load_settings(config)


def test_bad_value_names_the_setting(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('smtp_port = "lots"\n')
    with pytest.raises(ValidationError, match="smtp_port"):
        load_settings(config)


@pytest.mark.parametrize("weak", ["change-me", "", "short"])
def test_production_refuses_placeholder_secrets(weak: str) -> None:
    with pytest.raises(ValidationError, match="production mode needs real values"):
        load_settings(
            CONFIG,
            environment="production",
            secret_key=weak,
            organiser_token="a-long-and-random-organiser-token",
        )


def test_production_starts_with_real_secrets() -> None:
    settings = load_settings(
        CONFIG,
        environment="production",
        secret_key="9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        organiser_token="a-long-and-random-organiser-token",
        mail_backend="smtp",
    )
    assert settings.environment == "production"


def test_production_refuses_console_mail_which_logs_live_links(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UNMENTOR_ENVIRONMENT", "production")
    monkeypatch.setenv("UNMENTOR_SECRET_KEY", "9f8e7d6c5b4a39281706f5e4d3c2b1a0")
    monkeypatch.setenv("UNMENTOR_ORGANISER_TOKEN", "a-long-and-random-organiser-token")
    with pytest.raises(ValidationError, match='cannot use mail_backend = "console"'):
        load_settings(CONFIG)  # config.toml's own default is console
    monkeypatch.setenv("UNMENTOR_MAIL_BACKEND", "smtp")
    assert load_settings(CONFIG).mail_backend == "smtp"


def test_development_accepts_placeholders() -> None:
    assert load_settings(CONFIG).secret_key.get_secret_value() == "change-me"
