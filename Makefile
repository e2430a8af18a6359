# Lingli: `make run` to try it, `make test` to check it. Nothing else needs installing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint types schema migrate seed serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## install, migrate SQLite under ./data, seed the demo, serve GraphiQL on http://$${HOST:-127.0.0.1}:$${PORT:-8000}/graphql
	$(BIN)/lingli migrate
	$(BIN)/lingli seed
	$(BIN)/lingli serve

test: $(STAMP) lint types  ## the whole suite: lint, types, tests on SQLite then PostgreSQL
	$(BIN)/python -m pytest -q --db=sqlite
	$(BIN)/python -m pytest -q --db=postgres

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

types: $(STAMP)
	$(BIN)/mypy

migrate: $(STAMP)  ## apply migrations to DATABASE_URL
	$(BIN)/lingli migrate

seed: $(STAMP)  ## create the demo community if the database is empty
	$(BIN)/lingli seed

serve: $(STAMP)  ## serve without migrating or seeding
	$(BIN)/lingli serve

schema: $(STAMP)  ## rewrite schema.graphql from the code
	$(BIN)/python -m server.schema_export > schema.graphql

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
