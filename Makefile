# The two commands a new user needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Lighthouse for tests/e2e/test_lighthouse.py, pinned in tools/lighthouse/package-lock.json and
# installed there (never globally) when npm is present; without it that test says what is missing.
# (A stamp: npm gives the files inside packages a 1985 date, older than any package-lock.json.)
LIGHTHOUSE := tools/lighthouse/node_modules/.installed
# Redocly CLI for the API schema lint (tests/partners/test_schema_contract.py), the same way.
REDOCLY := tools/redocly/node_modules/.installed

.PHONY: install run worker beat test lint format bench bench-scale screenshots messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

$(LIGHTHOUSE): tools/lighthouse/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tools/lighthouse --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the Lighthouse test will say so (apt-get install nodejs npm)"; fi

$(REDOCLY): tools/redocly/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tools/redocly --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the API schema lint will say so (apt-get install nodejs npm)"; fi

# SQLite and in-process Celery by default; DATABASE_URL / CELERY_BROKER_URL / CACHE_URL switch
# to PostgreSQL, Redis and a real worker (started here, beat embedded, stopped with the server).
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
		$(VENV)/bin/celery -A jmo_portal worker --beat -l info & \
		trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	fi; \
	echo "JMO Portal: http://127.0.0.1:8000"; \
	$(PY) manage.py runserver 127.0.0.1:8000

worker: install
	$(VENV)/bin/celery -A jmo_portal worker -l info

beat: install
	$(VENV)/bin/celery -A jmo_portal beat -l info

# Services the environment names are used; tests that need an absent one skip with the reason,
# or fail under REQUIRE_SERVICES=1 (as .ci/run sets).
test: install $(LIGHTHOUSE) $(REDOCLY)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends wrk >/dev/null; } || \
		echo "wrk could not be installed: the load test runs with locust only"
	$(PY) -m benchmarks

# 1,000,000 participants against 100,000 in one run; PostgreSQL only (it says so without it).
bench-scale: install
	$(PY) -m benchmarks.scale

# Every participant and public page at 360 and 1280 px, id and en: var/screenshots/index.html.
screenshots: install
	$(PY) tools/screenshots.py

# Needs GNU gettext; the compiled .mo files are committed so `make run` does not.
messages: install
	$(PY) manage.py makemessages -l id -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3 tools/lighthouse/node_modules tools/redocly/node_modules
