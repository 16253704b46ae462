# The two commands of the README: `make run` and `make test`. Each does its own set-up on a fresh machine
# (a virtual environment in .venv, the project installed into it), and re-installs when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# The stamps' names carry a hash of pyproject.toml, so a changed dependency list triggers a fresh install.
# `make run` installs what the portal needs to run; `make test` adds the test tools (the dev extra). Only the
# dependencies are installed (scripts/requirements.py reads them from pyproject.toml): the portal runs from
# the checkout, so nothing is built and pip prints no build-backend warnings.
HASH := $(shell sha1sum pyproject.toml | cut -c1-12)
RUN_STAMP := $(VENV)/.installed-run-$(HASH)
STAMP := $(VENV)/.installed-dev-$(HASH)

.PHONY: run test install install-run lint clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	  || { echo "make: Python 3.11 or newer is needed ($(PYTHON) is not); run e.g. 'make PYTHON=python3.11 $(MAKECMDGOALS)'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) scripts/requirements.py | $(PIP) install --quiet -r /dev/stdin
	@rm -f $(VENV)/.installed-run-*
	@touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) scripts/requirements.py dev | $(PIP) install --quiet -r /dev/stdin
	@rm -f $(VENV)/.installed-dev-* $(VENV)/.installed-run-*
	@touch $(STAMP) $(RUN_STAMP)

install-run: $(RUN_STAMP)
install: $(STAMP)

## make run: the portal with PORTAL_ENV=dev (SQLite in db.sqlite3, Celery eager, console email, a generated
## secret key in the git-ignored .dev-secret-key) and the demo district; seed_demo prints the demo logins.
## Another port: make run PORT=8001.
PORT ?= 8000
run: install-run
	PORTAL_ENV=dev $(PY) manage.py migrate --noinput
	PORTAL_ENV=dev $(PY) manage.py seed_demo
	@echo "Starting the portal: open the address below once it says 'Starting development server at'."
	@# The server prints its address when it listens; its production-server warning is the README's to give.
	PORTAL_ENV=dev DJANGO_RUNSERVER_HIDE_WARNING=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make test: the whole suite. Tests needing PostgreSQL, Redis, a live worker or Chromium skip with a reason
## when those are missing, unless REQUIRE_ALL=1 (CI), where a skip or "no tests ran" fails the run.
## Pass pytest options with PYTEST_ARGS, e.g. make test PYTEST_ARGS="tests/schools -x".
## It runs in parallel with pytest-xdist (XDIST): each worker has its own test database (_gw0, _gw1), MEDIA_ROOT,
## Chromium, live server and Celery worker. -n 2: CI has two cores and the suite is CPU-bound (-n 3 measured
## slower). --dist load: each worker runs its tests in pytest-django's order (database tests before transactional
## ones, whose flush empties the rows the data migrations ship); loadscope regroups by module and failed 118
## drills tests that way, worksteal can hand a worker earlier tests after its flush.
## One process (debugger, a quick single file): PYTEST_ARGS="-n0 ..." or PYTEST_ARGS="-p no:xdist ..." (XDIST
## is then left out: -n would be an unknown option), or XDIST= .
XDIST ?= -n 2 --dist load
test: install
	PORTAL_ENV=test $(PY) -m pytest $(if $(findstring no:xdist,$(PYTEST_ARGS)),,$(XDIST)) $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
