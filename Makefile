# gcmhub: `make run` sets up and serves; `make test` sets up and runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make
HOST ?= 127.0.0.1
PORT ?= 8000
PG_PORT ?= 55432
PG_DIR ?= /tmp/gcmhub-pgtest-$(shell id -u)
TEST_HOME := $(CURDIR)/var/test
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run test setup lint typecheck checks unit unit-sqlite unit-postgres e2e \
        openapi docs messages bench clean

help:
	@echo "make run    set up everything and serve gcmhub at http://$(HOST):$(PORT) (SQLite)"
	@echo "make test   set up everything and run every check, on SQLite and PostgreSQL, with the browser journeys"

$(STAMPS):
	@mkdir -p $(STAMPS)

$(STAMPS)/venv: pyproject.toml requirements/constraints.txt | $(STAMPS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=24"
	$(BIN)/pip install -q -c requirements/constraints.txt -e ".[dev]"
	@touch $@

$(STAMPS)/assets: package.json package-lock.json | $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p gcmhub/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js \
	   node_modules/topojson-client/dist/topojson-client.min.js \
	   node_modules/world-atlas/countries-50m.json gcmhub/static/vendor/
	@touch $@

$(STAMPS)/system: scripts/system-packages.sh | $(STAMPS)
	scripts/system-packages.sh
	@touch $@

setup: $(STAMPS)/venv $(STAMPS)/assets

run: setup
	$(BIN)/gcmhub init
	$(BIN)/gcmhub serve --host $(HOST) --port $(PORT)

lint: $(STAMPS)/venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMPS)/venv
	$(BIN)/mypy gcmhub

checks: setup
	$(BIN)/lint-imports
	GCMHUB_HOME=$(TEST_HOME) $(BIN)/gcmhub manage makemigrations --check --dry-run
	$(BIN)/python scripts/compile_messages.py --check
	@GCMHUB_HOME=$(TEST_HOME) $(BIN)/gcmhub manage export_openapi_schema --api gcmhub.api.api --indent 2 --sorted > $(TEST_HOME)/openapi.json
	@diff -u docs/openapi.json $(TEST_HOME)/openapi.json \
	  || (echo "The API schema drifted from docs/openapi.json: run 'make openapi' and commit." && exit 1)
	GCMHUB_HOME=$(TEST_HOME) DJANGO_SETTINGS_MODULE=gcmhub.settings_production GCMHUB_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  $(BIN)/gcmhub manage check --deploy --fail-level WARNING

unit-sqlite: setup
	GCMHUB_HOME=$(TEST_HOME) $(BIN)/pytest -q -n 2 -m "not e2e"

unit-postgres: setup $(STAMPS)/system
	@scripts/pgtest.sh start $(PG_DIR) $(PG_PORT)
	@trap 'scripts/pgtest.sh stop $(PG_DIR)' EXIT; \
	  GCMHUB_HOME=$(TEST_HOME) DATABASE_URL=postgres://postgres@127.0.0.1:$(PG_PORT)/gcmhub \
	  $(BIN)/pytest -q -n 2 -m "not e2e"

e2e: setup $(STAMPS)/system
	GCMHUB_HOME=$(TEST_HOME) $(BIN)/pytest -q -m e2e tests/e2e

test: lint typecheck checks unit-sqlite unit-postgres e2e
	@echo "All checks passed."

openapi: setup
	GCMHUB_HOME=$(TEST_HOME) $(BIN)/gcmhub manage export_openapi_schema --api gcmhub.api.api --indent 2 --sorted > docs/openapi.json

docs: setup
	$(BIN)/python -c "from gcmhub.cli import help_markdown; print(help_markdown(), end='')" > docs/cli.md

messages: setup
	GCMHUB_HOME=$(TEST_HOME) $(BIN)/gcmhub manage makemessages -l fr -l es -l ar -l ru -l zh \
	  --no-location --ignore ".venv/*" --ignore "node_modules/*" --ignore "var/*"
	$(BIN)/python scripts/compile_messages.py

BENCH_HOME := $(CURDIR)/var/bench

bench: setup $(STAMPS)/system
	@for b in benchmarks/*.py; do GCMHUB_HOME=$(BENCH_HOME) $(BIN)/python "$$b" || exit 1; done
	@scripts/pgtest.sh start $(BENCH_HOME)/pg $(PG_PORT)
	@trap 'scripts/pgtest.sh stop $(BENCH_HOME)/pg' EXIT; \
	  for b in benchmarks/*.py; do \
	    GCMHUB_HOME=$(BENCH_HOME) DATABASE_URL=postgres://postgres@127.0.0.1:$(PG_PORT)/postgres \
	    $(BIN)/python "$$b" || exit 1; done

clean:
	rm -rf $(STAMPS) $(VENV) node_modules gcmhub/static/vendor var/test
