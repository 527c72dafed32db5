# Two commands matter: `make run` serves the site, `make test` runs the whole suite.
# Both create .venv on first use; nothing is installed outside it.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: help run test lint format bench clean

help:  ## Show the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "unmentor needs Python 3.11 or newer: try 'make PYTHON=python3.11 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed  ## Migrate unmentor.db and serve site, API and scheduler on :8000
	$(BIN)/unmentor db upgrade
	$(BIN)/unmentor serve

# Two processes for most tests (CI has 2 cores); the tests that measure latency or bring a
# crowd run afterwards on their own, so the figures they check are not the other tests' noise.
# axe-core for the browser tests' accessibility check, pinned by its lock file; without npm
# those checks skip with a reason (CI requires them).
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/axe/package.json tests/browser/axe/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/browser/axe --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility checks will skip"; fi

test: $(VENV)/.installed-test lint $(AXE)  ## Lint, then run every test (SQLite; PostgreSQL if reachable)
	$(BIN)/python -m pytest -n 2 -m "not serial" --durations=15
	$(BIN)/python -m pytest -m serial --durations=5

lint: $(VENV)/.installed-test  ## ruff check, ruff format --check, and the layering contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-test  ## Fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed-test  ## Run the benchmarks under bench/
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:  ## Remove the virtualenv and caches (keeps unmentor.db)
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info tests/browser/axe/node_modules test-artifacts
