# Lapor Pungli — the commands of docs/interface.md. Needs Python >= 3.11 and nothing else installed
# (with a C compiler, the routing hot path is compiled: make native).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/laporpungli
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# Test processes (pytest-xdist): `auto` = one per core; a file runs whole on one process, so its
# servers and fixtures are built once, except the large files tests/conftest.py spreads.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

.PHONY: run prod-local test test-embedded test-services lint bench venv venv-dev native messages lock clean

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# The browser tests' accessibility checker (axe-core, package.json), installed exactly as
# package-lock.json pins it. Without npm the accessibility test is skipped, so it is only said.
node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: tests/e2e/test_accessibility.py will be skipped"; fi

## make native: compile the modules every routing decision runs (routing/native.py) into
## build/native; redone when they change. Without a C compiler it says so and the source runs.
ROUTING_HOT := $(addprefix routing/,clauses.py engine.py learning.py text.py native.py)
$(VENV)/.native: $(VENV)/.runtime requirements-native.txt $(ROUTING_HOT)
	$(BIN)/python -m pip install --quiet -r requirements-native.txt
	$(BIN)/python -c "from routing import native; native.build()" \
		|| echo "routing: not compiled (a C compiler is needed); the Python source runs instead"
	touch $@

native: $(VENV)/.native
venv: $(VENV)/.runtime $(VENV)/.native
venv-dev: $(VENV)/.dev $(VENV)/.native node_modules/.installed

# $(call is_true,VALUE): non-empty when VALUE is one of config/env.py's true booleans.
is_true = $(filter 1 true yes on,$(shell printf '%s' '$(1)' | tr '[:upper:]' '[:lower:]'))

## make run: migrate, load the directory and demo accounts, serve HTTP + websockets on :8000
## (the demo: DEBUG on unless DEBUG=false is given, which then needs SECRET_KEY, collects the
## static files, and creates no demo account unless DEMO=true). Plain http: no https redirect.
## REGION=13.71 make run: another kabupaten/kota's demo (region_init), in its own SQLite file.
REGION ?= 17.71
ifneq ($(REGION),17.71)
ifndef DATABASE_URL
run: export DATABASE_URL = sqlite:///$(CURDIR)/var/db-$(REGION).sqlite3
endif
endif
run: export DEBUG ?= true
run: export PORTAL_SSL_REDIRECT ?= false
run: export REGION := $(REGION)
run: venv
	$(BIN)/python manage.py migrate --noinput
	$(if $(filter 17.71,$(REGION)),$(BIN)/python manage.py load_directory,\
		$(BIN)/python manage.py region_init $(REGION) --keep)
	$(if $(call is_true,$(DEBUG)),,$(BIN)/python manage.py collectstatic --noinput)
	$(if $(call is_true,$(DEBUG))$(call is_true,$(DEMO)),$(BIN)/python manage.py seed_demo \
		$(if $(call is_true,$(DEBUG)),,--force))
	$(BIN)/python manage.py serve --host $(HOST) --port $(PORT)

## make prod-local: the production topology of the Procfile on this machine, under honcho: the
## release step, two uvicorn workers on http://$(HOST):$(PORT)/ (DEBUG off, demo accounts on),
## outbox publisher, clocks and notifier as their own processes, on PostgreSQL (DATABASE_URL,
## created if missing), Redis (REDIS_URL) and a local S3 server (moto) for the evidence.
## SECRET_KEY and PORTAL_METRICS_TOKEN, unless given, are made once in var/prod-local/secrets.env.
## Ctrl+C (or SIGTERM to honcho) stops every process.
prod-local: export DEBUG := false
prod-local: export DEMO ?= true
prod-local: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/laporpungli_prod
prod-local: export REDIS_URL ?= redis://127.0.0.1:6379/5
prod-local: export PORTAL_DB_POOL ?= true
prod-local: export PORTAL_SSL_REDIRECT ?= false
prod-local: export UVICORN_HOST ?= $(HOST)
prod-local: export UVICORN_PORT ?= $(PORT)
prod-local: export PORTAL_BASE_URL ?= http://$(HOST):$(PORT)
prod-local: export PORTAL_S3_PORT ?= 9000
prod-local: export PORTAL_S3_BUCKET ?= laporpungli-evidence
prod-local: export PORTAL_S3_ENDPOINT_URL ?= http://127.0.0.1:$(PORTAL_S3_PORT)
prod-local: export PORTAL_S3_REGION ?= us-east-1
prod-local: export AWS_ACCESS_KEY_ID ?= prod-local
prod-local: export AWS_SECRET_ACCESS_KEY ?= prod-local
prod-local: export PROMETHEUS_MULTIPROC_DIR ?= $(CURDIR)/var/prod-local/metrics
prod-local: export PATH := $(CURDIR)/$(BIN):$(PATH)
prod-local: venv-dev
	$(BIN)/python -m config.prodlocal var/prod-local/honcho.env
	$(BIN)/honcho --no-colour -f Procfile -e var/prod-local/honcho.env start

## make test: the whole suite on the embedded default (SQLite, in-memory channel layer)
test: venv-dev
	env -u DATABASE_URL -u REDIS_URL $(PYTEST) $(PYTEST_ARGS)

## make test-embedded: only the tests make test-services leaves out (marked embedded_only: pure
## functions, settings, page-only browser flows), on the embedded default; with test-services,
## every test once (what CI runs)
test-embedded: venv-dev
	env -u DATABASE_URL -u REDIS_URL $(PYTEST) -m embedded_only $(PYTEST_ARGS)

## make test-services: the suite's database and channel-layer parts against PostgreSQL and Redis
## (tests marked embedded_only — pure functions, settings, page-only browser flows — run in make test)
test-services: venv-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PYTEST) -m "not embedded_only" $(PYTEST_ARGS)

## make lint: ruff's checks and its formatting, as CI runs them
lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make bench: the figures of docs/product.md §4
bench: venv-dev
	$(BIN)/python -m tests.bench.run

## make messages: refresh and compile the translations after changing user-facing text
messages: export DEBUG ?= true
messages: venv-dev
	$(BIN)/python manage.py makemessages --locale id --no-obsolete --ignore '.venv/*' --ignore 'tests/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

## make lock: re-pin requirements*.txt from pyproject.toml
lock:
	rm -rf /tmp/laporpungli-lock && $(PYTHON) -m venv /tmp/laporpungli-lock
	/tmp/laporpungli-lock/bin/pip install --quiet .
	/tmp/laporpungli-lock/bin/pip uninstall --quiet --yes lapor-pungli
	/tmp/laporpungli-lock/bin/pip freeze > requirements.txt
	/tmp/laporpungli-lock/bin/pip install --quiet ".[test]"
	/tmp/laporpungli-lock/bin/pip uninstall --quiet --yes lapor-pungli
	(echo "-r requirements.txt"; /tmp/laporpungli-lock/bin/pip freeze | grep -vxFf requirements.txt) > requirements-dev.txt

clean:
	rm -rf $(VENV) staticfiles build
