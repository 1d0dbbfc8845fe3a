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

.PHONY: install run worker beat test lint format bench bench-queues bench-scale drill screenshots messages clean replica replica-stop

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
# to PostgreSQL, Redis and a real worker (started here, beat embedded, stopped with the server;
# it consumes every queue, CELERY_TASK_QUEUES).
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
		$(VENV)/bin/celery -A jmo_portal worker --beat -l info & \
		trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	fi; \
	echo "JMO Portal: http://127.0.0.1:8000"; \
	$(PY) manage.py runserver 127.0.0.1:8000

# Every queue (CELERY_TASK_QUEUES) by default; one group's pool with e.g.
# `make worker QUEUES=documents` (docker-compose.yml runs one pool per group).
worker: install
	$(VENV)/bin/celery -A jmo_portal worker -l info $(if $(QUEUES),--queues $(QUEUES))

beat: install
	$(VENV)/bin/celery -A jmo_portal beat -l info

# A hot standby of the machine's PostgreSQL on 127.0.0.1:5433 (Debian's pg_createcluster and
# pg_basebackup; run as root). Reads of safe requests go to it once DATABASE_REPLICA_URL names it.
replica:
	tools/replica.sh start
	@echo "export DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/<the database of DATABASE_URL>"

replica-stop:
	tools/replica.sh stop

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

# Point-in-time restore drill (docs/backup.md): a throwaway PostgreSQL cluster archived by
# pgBackRest, claims, postings and uploads written, the disk lost, the restore checked row by row.
# Runs as root (PostgreSQL as the postgres user) or as any non-root user.
drill: install
	@command -v pgbackrest >/dev/null 2>&1 && command -v rsync >/dev/null 2>&1 || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends pgbackrest rsync >/dev/null; }
	$(PY) tools/restore_drill.py

# Upload-to-verified p95, idle and during a 100,000-row import, on per-queue worker pools and
# on one shared queue (about 6 minutes; needs PostgreSQL and Redis: DATABASE_URL and
# CELERY_BROKER_URL).
bench-queues: install
	$(PY) -m benchmarks.queues

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
