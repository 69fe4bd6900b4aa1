# Two entry points for a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# dbt, dagster-dbt and sqlfluff from the project's own environment.
export PATH := $(CURDIR)/$(BIN):$(PATH)
MANIFEST := dbt/target/manifest.json

.PHONY: install manifest run dev test lint format sample clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# dagster-dbt reads the dbt manifest at import time; only `dagster dev` prepares it itself.
$(MANIFEST): $(STAMP) $(shell find dbt seeds -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -not -path 'dbt/target/*' 2>/dev/null)
	$(BIN)/dagster-dbt project prepare-and-package --file dagster_project/project.py

manifest: $(MANIFEST)

$(DAGSTER_HOME):
	mkdir -p $(DAGSTER_HOME)

# The nightly refresh, once, on the embedded DuckDB with the shipped sample extracts.
run: $(MANIFEST) | $(DAGSTER_HOME)
	$(BIN)/dagster job execute -m dagster_project.definitions -j nightly_refresh

# The Dagster UI (assets, lineage, checks), with the schedule and the landing-folder sensor.
dev: $(MANIFEST) | $(DAGSTER_HOME)
	$(BIN)/dagster dev -w workspace.yaml

lint: $(MANIFEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	mkdir -p .sqlfluff_warehouse
	cd dbt && SUNDHEDSDATA_WAREHOUSE_DIR=$(CURDIR)/.sqlfluff_warehouse ../$(BIN)/sqlfluff lint models tests --processes 2

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	mkdir -p .sqlfluff_warehouse
	cd dbt && SUNDHEDSDATA_WAREHOUSE_DIR=$(CURDIR)/.sqlfluff_warehouse ../$(BIN)/sqlfluff fix models tests --processes 2

test: lint
	$(BIN)/pytest

# Regenerate the committed synthetic sample under data/ (deterministic: same seed, same bytes).
sample: $(STAMP)
	$(BIN)/python -m dagster_project.generator --out data --seed 2024 --scale 0.05 \
		--register-years 2024 2025 --school-years 2022 2023 2024 2025 --status-years 2024 2025

clean:
	rm -rf warehouse .dagster_home dbt/target dbt/logs .sqlfluff_warehouse
