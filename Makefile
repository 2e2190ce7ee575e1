# Accord: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

# Find a Python of 3.12 or newer: the pyenv version named in .python-version, then python3.13,
# python3.12, python3.
PYTHON_CANDIDATES := $(shell command -v pyenv >/dev/null 2>&1 && [ -f .python-version ] && \
	echo "$$(pyenv root)/versions/$$(cat .python-version)/bin/python3") python3.13 python3.12 python3
BASE_PYTHON := $(shell for p in $(PYTHON_CANDIDATES); do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then command -v $$p; break; fi; done)

# Tests use the local PostgreSQL and Redis unless told otherwise; their own Redis database.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/accord
TEST_REDIS_URL ?= redis://127.0.0.1:6379/7
# The suite runs in this many processes (pytest-xdist), one test file at a time each; every
# process has its own test database, Celery queue and cache keys. TEST_PROCESSES=0: one process.
TEST_PROCESSES ?= 2

.PHONY: messages help run serve install install-dev migrate seed test fuzz lint worker beat bench screenshots clean

help:
	@echo "make run     - set up and serve the demo on http://127.0.0.1:8000"
	@echo "make test    - run the whole test suite (PostgreSQL, Redis, Celery worker, Chromium)"
	@echo "make fuzz    - a longer schemathesis run with a time budget and a new seed"
	@echo "make worker  - run a Celery worker (needs REDIS_URL)"
	@echo "make beat    - run Celery beat (needs REDIS_URL)"
	@echo "make lint    - ruff, the import layers, migrations check"
	@echo "make bench   - load the benchmark datasets and write bench/RESULTS.md (PostgreSQL)"
	@echo "make screenshots - regenerate docs/screenshots/ from the demo data (Chromium)"
	@echo "make messages - update locale/de's catalogue from the code and compile it (needs gettext)"

$(VENV)/.installed: requirements.txt
	@if [ -z "$(BASE_PYTHON)" ]; then \
		echo "Accord needs Python 3.12 or newer (found none among: $(PYTHON_CANDIDATES))." >&2; \
		echo "Install Python 3.12+ (e.g. 'pyenv install 3.13') and run make again." >&2; exit 1; fi
	@test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# The demo is served as users see it, DEBUG off (Accord's own 404 and error pages; WhiteNoise
# serves the static files); `make run DEBUG=1` shows Django's debug pages instead.
run: seed
	@echo "Serving with DEBUG=$${DEBUG:-0}. For Django's debug pages: make run DEBUG=1"
	DEBUG=$${DEBUG:-0} $(PY) manage.py runserver 127.0.0.1:8000

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=2

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	env -u DATABASE_URL $(PY) manage.py makemigrations --check --dry-run

test: install-dev
	env -u DATABASE_URL $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -r accounts core customers dialogue solutions insights health integrity search space strategy integrations mailin home config -ll
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		ACCORD_TESTING=1 $(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)
	# The tests marked `sqlite` again, on the embedded default (SQLite, eager Celery).
	env -u DATABASE_URL -u REDIS_URL ACCORD_TESTING=1 $(VENV)/bin/pytest -m sqlite -q

# A longer, exploratory schemathesis run (a time budget, any seed): what it finds becomes a
# regression test. `make test` runs the fixed, reproducible one.
FUZZ_SECONDS ?= 900
FUZZ_SEED ?= $(shell date +%s)
fuzz: install-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		ACCORD_TESTING=1 SCHEMATHESIS_MAX_TIME=$(FUZZ_SECONDS) SCHEMATHESIS_SEED=$(FUZZ_SEED) \
		SCHEMATHESIS_MAX_EXAMPLES=200 $(VENV)/bin/pytest tests/security/test_schemathesis.py -q

bench: install-dev
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	bash bench/run.sh

# The German catalogue: new strings into the .po (translate them there), then the .mo, which is
# committed (compiled by polib, so servers need no gettext; tests/test_i18n.py checks it is current).
messages: install-dev
	$(PY) manage.py makemessages -l de -e html,txt,py,md --no-obsolete --no-location \
		--ignore=.venv --ignore=tests --ignore=bench --ignore=deploy --ignore=staticfiles
	$(PY) -c "import polib; polib.pofile('locale/de/LC_MESSAGES/django.po').save_as_mofile('locale/de/LC_MESSAGES/django.mo')"

screenshots: install-dev
	$(PY) docs/screenshots.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
