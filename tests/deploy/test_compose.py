"""compose.yaml and the Dockerfile describe the deployment the README promises.

`docker compose config` validates the file where the compose plugin is installed; the
structural checks below run everywhere (PyYAML), so a broken file fails even without docker.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from unmentor.settings import Settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "compose.yaml"


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _compose_plugin() -> bool:
    if shutil.which("docker") is None:
        return False
    found = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    return found.returncode == 0


@pytest.mark.skipif(not _compose_plugin(), reason="the docker compose plugin is not installed")
def test_docker_compose_accepts_the_file() -> None:
    # `config` parses, interpolates and validates against the Compose schema; no daemon needed.
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_services_and_their_order() -> None:
    services = _compose()["services"]
    assert set(services) == {"db", "migrate", "web", "scheduler", "mailpit"}
    schedulers = [name for name, s in services.items() if "scheduler" in s.get("command", [])]
    assert schedulers == ["scheduler"], "exactly one service runs the scheduler"
    assert services["scheduler"].get("deploy", {}).get("replicas", 1) == 1
    web = services["web"]["command"]
    assert web[:2] == ["unmentor", "serve"] and "--no-scheduler" in web
    assert any(part.startswith("--workers") for part in web)
    assert services["migrate"]["command"] == ["unmentor", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "scheduler"):
        needs = services[name]["depends_on"]
        assert needs["db"] == {"condition": "service_healthy"}
        assert needs["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}


def test_every_long_running_service_has_a_healthcheck() -> None:
    for name, service in _compose()["services"].items():
        check = service.get("healthcheck", {})
        if name == "migrate":
            assert check == {"disable": True}, "a one-shot job has nothing to check"
            continue
        assert check.get("test"), f"{name} has no healthcheck"
    web = _compose()["services"]["web"]["healthcheck"]["test"]
    assert any("/healthz" in part for part in web)


def test_every_unmentor_variable_is_a_setting() -> None:
    names = set()
    for service in _compose()["services"].values():
        names |= set(service.get("environment", {}))
    names |= set(re.findall(r"\b(UNMENTOR_[A-Z_]+)", (REPO / "Dockerfile").read_text()))
    ours = {n for n in names if n.startswith("UNMENTOR_")} - {"UNMENTOR_CONFIG"}
    assert ours, "compose.yaml sets no UNMENTOR_* variable"
    fields = {f"UNMENTOR_{name.upper()}" for name in Settings.model_fields}
    assert ours - fields == set(), "not settings (typo?)"


def test_the_compose_environment_makes_valid_settings(monkeypatch) -> None:
    environment = _compose()["x-unmentor"]["environment"]
    for name, value in environment.items():
        # ${NAME:-default} is what compose substitutes when the variable is unset.
        value = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value))
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.mail_backend == "smtp" and settings.smtp_host == "mailpit"
    assert settings.expect_scheduler and settings.organiser_emails
    assert settings.metrics_token.get_secret_value() == ""


def test_the_image_is_slim_non_root_and_checks_its_health() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\s*$", dockerfile, re.MULTILINE)
    assert re.search(r"^USER unmentor\s*$", dockerfile, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", dockerfile, re.MULTILINE)
    cmd = re.search(r"^CMD (\[.*\])\s*$", dockerfile, re.MULTILINE)
    assert cmd and '"--no-scheduler"' in cmd.group(1) and '"--workers"' in cmd.group(1)
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "tests", "unmentor.db"} <= set(ignored)


def test_deploy_examples_exist() -> None:
    for name in ("nginx.conf", "Caddyfile", "unmentor-web.service", "unmentor-scheduler.service"):
        text = (REPO / "deploy" / name).read_text(encoding="utf-8")
        assert text.startswith("#"), f"{name} opens with a comment saying what it is for"
