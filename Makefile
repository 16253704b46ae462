# The two commands of the README: `make run` and `make test`. Each does its own set-up on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test install lint clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## make run: the portal on the embedded defaults (SQLite, Celery eager, console email) with demo data.
run: install
	PORTAL_ENV=dev $(PY) manage.py migrate --noinput
	PORTAL_ENV=dev $(PY) manage.py seed_demo
	PORTAL_ENV=dev $(PY) manage.py runserver 127.0.0.1:8000

## make test: the whole suite. Tests needing PostgreSQL, Redis, a worker or Chromium skip with a reason
## when those are missing, unless REQUIRE_ALL=1 (CI), where a skip fails the run.
test: install
	PORTAL_ENV=test $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache
