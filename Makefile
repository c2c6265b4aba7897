# Two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo postgres test test-deps lint typecheck pytest install bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Start the sandbox and the real bot with the seed conference, and chat with it.
demo: $(STAMP)
	$(BIN)/confbot demo

## A throw-away PostgreSQL (installed by test-deps when missing): prints its URL; Ctrl-C removes it.
postgres: $(STAMP) test-deps
	$(BIN)/python -m confbot_dev.postgres

## Install, then run every check CI runs: lint, format, import contracts, types, tests.
test: $(STAMP) test-deps lint typecheck pytest

## The real components the tests use (Debian packages), installed when missing.
test-deps:
	./tools/test-deps

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/roundtrip.py
	$(BIN)/python bench/schedule_queries.py --quick
	$(BIN)/python bench/page_buttons.py --presses 50
	$(BIN)/python bench/locked_database.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/fanout.py --subscribers 2000 --scale 4
	$(BIN)/python bench/punctuality.py --sessions 100
	$(BIN)/python bench/burst.py --k 1000
	$(BIN)/python bench/events.py
	$(BIN)/python bench/pictures.py
	$(BIN)/python bench/feed.py
	$(BIN)/python bench/takeover.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
