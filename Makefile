# Two commands matter: `make run` serves the site, `make test` runs the whole suite.
# Both create .venv on first use; nothing is installed outside it.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Exact versions, with hashes, of everything installed (`make lock` writes them from
# pyproject.toml): the same packages on every machine and in CI, so an upstream release (and its
# new deprecation warnings, which the tests turn into errors) arrives only through `make lock`.
RUN_LOCK := requirements/run.lock
TEST_LOCK := requirements/test.lock
# pip-tools lives in a venv of its own: it need not match the project's packages.
LOCK_VENV := .venv-lock

.PHONY: help run test lint format bench lock clean

help:  ## Show the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "unmentor needs Python 3.11 or newer: try 'make PYTHON=python3.11 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(RUN_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r $(RUN_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(TEST_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
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

lint: $(VENV)/.installed-test  ## ruff check, ruff format --check, mypy and the layering contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(VENV)/.installed-test  ## Fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed-test  ## Run the benchmarks under bench/
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

$(LOCK_VENV)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip pip-tools

# Keeps every pin that still fits pyproject.toml; UPGRADE=--upgrade takes the newest of
# everything, UPGRADE="--upgrade-package NAME" of one package. The run lock is held to the test
# lock's versions, so `make run` and `make test` use the same ones.
LOCK_FLAGS := --quiet --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url \
	--no-emit-find-links $(UPGRADE)
lock: $(LOCK_VENV)/bin/pip-compile  ## Write requirements/*.lock from pyproject.toml (see README)
	@mkdir -p requirements
	$(LOCK_VENV)/bin/pip-compile $(LOCK_FLAGS) --extra test --extra postgres -o $(TEST_LOCK) pyproject.toml
	$(LOCK_VENV)/bin/pip-compile $(LOCK_FLAGS) --extra postgres -c $(TEST_LOCK) -o $(RUN_LOCK) pyproject.toml

clean:  ## Remove the virtualenvs and caches (keeps unmentor.db)
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis *.egg-info \
		tests/browser/axe/node_modules test-artifacts
