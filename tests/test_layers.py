"""The import-linter contracts name every part of the service that matching and viz must not use."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import unmentor

REPO = Path(__file__).resolve().parents[1]


def test_every_module_of_the_service_is_forbidden_to_matching_and_viz() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [
        c for c in config["contracts"] if c.get("source_modules") == ["unmentor.matching", "viz"]
    ]
    service = {
        f"unmentor.{module.name}"
        for module in pkgutil.iter_modules(unmentor.__path__)
        if module.name not in {"matching", "migrations"}
    }
    assert service - set(contract["forbidden_modules"]) == set(), "add it to pyproject.toml"
