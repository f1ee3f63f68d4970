# The two commands a newcomer needs: `make run` (the app with demo data on
# http://127.0.0.1:8000) and `make test` (the whole suite). Only Python 3.11 is required.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links printed and e-mailed by the demo use the address served, unless SITE_URL is set.
SITE_URL ?= http://$(HOST):$(PORT)
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per CPU; TEST_WORKERS=0 runs the suite in this process.
# Tests that must run in order in one process carry an xdist_group mark (--dist loadgroup).
TEST_WORKERS ?= auto

.PHONY: run test lint format venv venv-dev demo messages bench loadtest loadtest-two-servers clean

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

demo: venv
	$(PY) manage.py migrate --noinput
	SITE_URL=$(SITE_URL) $(PY) manage.py setup_demo

run: demo
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

test: venv-dev
	$(BIN)/pytest --numprocesses $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: venv-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate the translation catalogues (needs GNU gettext) and compile them with polib,
# which is what a machine without gettext checks them against.
messages: venv-dev
	$(PY) manage.py makemessages --locale nb --locale nn --no-obsolete --no-location
	$(PY) scripts/compile_messages.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Benchmark of the benchmark engine (not part of the tests): see scripts/bench.py.
bench: venv-dev
	$(PY) scripts/bench.py

$(VENV)/.installed-loadtest: requirements-loadtest.txt requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-loadtest.txt
	@touch $@

# Load and fault tests (not part of make test or CI; see docs/reliability.md).
loadtest: $(VENV)/.installed-loadtest
	$(PY) scripts/loadtest.py
	$(PY) scripts/loadtest.py --restart-db
	$(PY) scripts/loadtest.py --two-servers --workers 2

# Only the two-server mode: two gunicorn instances behind nginx (TLS), one killed mid-run.
# Needs nginx, redis-server, openssl and PostgreSQL's server binaries; not locust.
loadtest-two-servers: venv
	$(PY) scripts/loadtest.py --two-servers --workers 2
