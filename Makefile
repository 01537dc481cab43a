# The commands people type. `make run` starts the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha256sum | cut -c1-12)

.PHONY: run serve test test-fast lint format bench bench-province messages browser-deps check-embedded clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

## run: migrate, load the demo data when the database is empty, serve on http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/bangfu migrate
	$(BIN)/bangfu demo --if-empty
	$(BIN)/bangfu serve

serve: $(STAMP)
	$(BIN)/bangfu serve

## test: the whole suite, browser tests included, on the real database (DATABASE_URL or embedded)
test: $(STAMP) browser-deps
	timeout 1500 $(BIN)/pytest

## test-fast: everything but the browser and the tests that start servers of their own (app hosts, a standby)
test-fast: $(STAMP)
	timeout 900 $(BIN)/pytest -m "not browser and not slow"

lint: $(STAMP)
	$(BIN)/ruff check server tests scripts migrations
	$(BIN)/ruff format --check server tests scripts
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix server tests scripts
	$(BIN)/ruff format server tests scripts

## bench: throughput and latency figures, one line per scenario: the township demo under load (8 connections),
## then the 50,000-household county one request at a time (server time, e.g. job matching county-wide)
bench: $(STAMP)
	scripts/install-system-deps.sh wrk
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench.py --scale county --connections 1

## bench-province: the province (12 counties, ~600,000 households, ~15 million visits) one request at a time; the
## database bangfu_province (PROVINCE_DATABASE=...) is built on the first run (minutes) and kept (docs/scale-out.md)
PROVINCE_DATABASE ?= bangfu_province
bench-province: $(STAMP)
	scripts/install-system-deps.sh wrk
	$(BIN)/python scripts/bench.py --scale province --existing --database $(PROVINCE_DATABASE) --connections 1

## messages: extract translatable strings and update the catalogs (then translate the new zh_CN entries)
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -k gettext -k ngettext:1,2 --no-location --sort-output \
		--project=Bangfu --copyright-holder="Bangfu contributors" -o server/locale/messages.pot .
	$(BIN)/pybabel update -i server/locale/messages.pot -d server/locale --no-fuzzy-matching --ignore-obsolete

browser-deps:
	scripts/install-system-deps.sh chromium

## check-embedded: start the embedded PostgreSQL, migrate, ask /healthz, stop it again
check-embedded: $(STAMP)
	scripts/check-embedded.sh

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .mypy_cache .ruff_cache
