# loanwatch: `make demo`, `make lint` and `make test` (what CI runs: .ci/run), `make bench`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: venv demo test lint bench bench-reports system-deps clean

# Installs once; again only when pyproject.toml changes (or `make -B venv`).
venv: $(STAMP)

$(STAMP): pyproject.toml
	scripts/system-deps.sh  # Pango, poppler, Java for the reports: installs only what is missing
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

demo: venv
	$(BIN)/loanwatch demo

# The test suite on 2 workers, beside a throwaway PostgreSQL (scripts/with-postgres.sh starts and
# stops it; without PostgreSQL its tests skip, except under CI=true where they fail).
test: venv
	scripts/system-deps.sh
	scripts/with-postgres.sh $(BIN)/pytest -n 2 $(PYTEST_ARGS)

# The linters and the import contracts (the layers of docs/architecture.md: [tool.importlinter] in
# pyproject.toml) all run; fails if any does. lint-imports reads this tree's src/ whatever the venv
# points at.
lint: venv
	@status=0; \
	$(BIN)/ruff check src tests benchmarks || status=1; \
	$(BIN)/mypy || status=1; \
	PYTHONPATH=src $(BIN)/lint-imports || status=1; \
	exit $$status

# The ingest benchmark over the 380 Serie A matches (about 3 minutes, kloppy included).
bench: venv
	$(BIN)/python benchmarks/ingest.py

# One player's PDF, the example portfolio and a 30-player digest (targets: 2 s, 30 s).
bench-reports: venv
	$(BIN)/python benchmarks/reports.py

# apt packages the reports need (Pango for WeasyPrint, poppler, Java for the HTML validator).
system-deps:
	scripts/system-deps.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
