# Lingli: `make run` to try it, `make test` to check it. Nothing else needs installing.
#
# Installs come from the committed lock files, never from a fresh resolve:
#   requirements/run.txt  what running needs ([project] dependencies), for `make run` and the Dockerfile
#   requirements/dev.txt  run.txt's pins plus the `dev` and `otel` extras (tests, ruff, mypy, import-linter,
#                         tracing), for `make test`
#   requirements/uv.txt   the installer itself (uv), bootstrapped into .venv with pip
# pyproject.toml keeps the human-edited ranges; `make lock` turns them into these files.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.9

RUN_LOCK := requirements/run.txt
DEV_LOCK := requirements/dev.txt
UV_LOCK := requirements/uv.txt

# One stamp per installed set. The dev set contains the run set, so installing it renews both.
UV_STAMP := $(VENV)/.installed-uv
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
LEGACY_STAMP := $(VENV)/.installed

# sync: make .venv hold exactly the lock file's packages (checked against its hashes), then the
# project itself, editable and without deps (sync removes anything the lock does not list).
SYNC = $(UV) pip sync --quiet --require-hashes --python $(BIN)/python
EDITABLE = $(UV) pip install --quiet --no-deps --python $(BIN)/python -e .
COMPILE = $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade)

.PHONY: run test lint types schema migrate seed serve lock lock-check install install-dev clean

$(UV_STAMP): $(UV_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r $(UV_LOCK)
	touch $@

# The stamps also follow pyproject.toml: a changed [project.scripts] or package list needs the
# editable install redone (the sync itself is a no-op when the lock did not change).
# A venv that already has the dev set keeps it on `make run`: it syncs the dev lock, whose runtime
# pins are run.txt's. So does a venv from before the lock files (LEGACY_STAMP: it held '.[dev]').
$(RUN_STAMP): $(RUN_LOCK) pyproject.toml $(UV_STAMP)
	@lock=$(RUN_LOCK); if [ -f $(DEV_STAMP) ] || [ -f $(LEGACY_STAMP) ]; then lock=$(DEV_LOCK); fi; \
	echo "$(SYNC) $$lock" && $(SYNC) $$lock && \
	echo "$(EDITABLE)" && $(EDITABLE) && \
	if [ $$lock = $(DEV_LOCK) ]; then touch $(DEV_STAMP); fi
	rm -f $(LEGACY_STAMP)
	touch $@

$(DEV_STAMP): $(DEV_LOCK) $(RUN_LOCK) pyproject.toml $(UV_STAMP)
	$(SYNC) $(DEV_LOCK)
	$(EDITABLE)
	rm -f $(LEGACY_STAMP)
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)  ## install what running needs (requirements/run.txt) into .venv
install-dev: $(DEV_STAMP)  ## install the run set plus the dev tools (requirements/dev.txt)

run: $(RUN_STAMP)  ## install, migrate SQLite under ./data, seed the demo, serve GraphiQL on http://$${HOST:-127.0.0.1}:$${PORT:-8000}/graphql
	$(BIN)/lingli migrate
	$(BIN)/lingli seed
	$(BIN)/lingli serve

test: $(DEV_STAMP) lock-check lint types  ## the whole suite: lint, types, tests on SQLite then PostgreSQL
	$(BIN)/python -m pytest -q --db=sqlite
	$(BIN)/python -m pytest -q --db=postgres

lint: $(DEV_STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

types: $(DEV_STAMP)
	$(BIN)/mypy

migrate: $(RUN_STAMP)  ## apply migrations to DATABASE_URL
	$(BIN)/lingli migrate

seed: $(RUN_STAMP)  ## create the demo community if the database is empty
	$(BIN)/lingli seed

serve: $(RUN_STAMP)  ## serve without migrating or seeding
	$(BIN)/lingli serve

schema: $(RUN_STAMP)  ## rewrite schema.graphql from the code
	$(BIN)/python -m server.schema_export > schema.graphql

# Re-resolve the lock files after editing pyproject.toml's dependencies or dev extra. Versions
# already pinned are kept when they still fit; `make lock UPGRADE=1` moves everything to the newest
# versions the ranges allow (then run `make test` before committing). dev.txt is constrained by
# run.txt, so tests run on exactly the runtime versions that `make run` and the image install.
lock: $(UV_STAMP)  ## regenerate requirements/*.txt from pyproject.toml
	$(COMPILE) -o $(RUN_LOCK) pyproject.toml
	$(COMPILE) -o $(DEV_LOCK) --extra dev --extra otel -c $(RUN_LOCK) pyproject.toml
	echo 'uv==$(UV_VERSION)' | $(COMPILE) -o $(UV_LOCK) -

# Fails when pyproject.toml's ranges and the committed pins disagree (someone edited the
# dependencies without `make lock`). Compares the pins only: a wheel added to PyPI for a pinned
# version changes the hashes a fresh compile lists, and must not fail the tests.
lock-check: $(UV_STAMP)  ## check that requirements/*.txt are what `make lock` would write
	@tmp=$$(mktemp -d) && cp $(RUN_LOCK) $(DEV_LOCK) $$tmp/ && \
	$(COMPILE) -o $$tmp/run.txt pyproject.toml && \
	$(COMPILE) -o $$tmp/dev.txt --extra dev --extra otel -c $$tmp/run.txt pyproject.toml && \
	status=0 && for lock in $(RUN_LOCK) $(DEV_LOCK); do \
		grep -E '^[A-Za-z0-9]' $$lock | sed 's/ *\\$$//' > $$tmp/committed; \
		grep -E '^[A-Za-z0-9]' $$tmp/$$(basename $$lock) | sed 's/ *\\$$//' > $$tmp/wanted; \
		if ! diff -u $$tmp/committed $$tmp/wanted > $$tmp/diff; then \
			echo "$$lock does not match pyproject.toml: run \`make lock\` and commit it" >&2; \
			cat $$tmp/diff >&2; status=1; \
		fi; \
	done; rm -rf $$tmp; \
	if [ $$status = 0 ]; then echo "lock-check: $(RUN_LOCK) and $(DEV_LOCK) match pyproject.toml"; fi; exit $$status

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
