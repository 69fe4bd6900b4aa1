# Two entry points for a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# dbt, dagster-dbt and sqlfluff from the project's own environment.
export PATH := $(CURDIR)/$(BIN):$(PATH)
MANIFEST := dbt/target/manifest.json

.PHONY: install manifest instance chromium run rebuild dev serve soak docs dbt-vars bench test lint format sample clean

# uv installs the locked set in about a quarter of pip's time (40 s against 150 s on a fresh
# machine); it reads PyPI, or the index in UV_DEFAULT_INDEX (docs/stack.md). pip itself
# fetches only uv. INSTALLER=pip uses pip throughout, through pip's own configuration.
INSTALLER ?= uv
UV_VERSION := 0.13.9
# The explorer's charting library, vendored from npm into each release (explorer/package.json).
NODE_STAMP := explorer/node_modules/.package-lock.json
$(NODE_STAMP): explorer/package.json explorer/package-lock.json
	@command -v npm >/dev/null 2>&1 || scripts/ci-services --chromium-only
	npm ci --prefix explorer --no-audit --no-fund --loglevel=error

$(STAMP): pyproject.toml requirements.lock | $(NODE_STAMP)
	$(PYTHON) -m venv $(VENV)
ifeq ($(INSTALLER),pip)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
else
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -c requirements.lock -e '.[dev]'
endif
	touch $(STAMP)

install: $(STAMP)

# dagster-dbt reads the dbt manifest at import time; only `dagster dev` prepares it itself.
$(MANIFEST): $(STAMP) $(shell find dbt seeds -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -not -path 'dbt/target/*' 2>/dev/null)
	$(BIN)/dagster-dbt project prepare-and-package --file dagster_project/transform/project.py

manifest: $(MANIFEST)

# The instance's dagster.yaml, written from the settings every time (operations/instance.py):
# SQLite or PostgreSQL storage, run monitoring, one refresh at a time, retention, no telemetry.
instance: $(STAMP)
	@$(BIN)/python -m dagster_project.operations.instance

# The status report's PDF is printed by Debian's Chromium: installed once if missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -n "$$SUNDHEDSDATA_CHROMIUM" ] || scripts/ci-services --chromium-only

# The nightly refresh, once, on the embedded DuckDB with the shipped sample extracts.
# A summary per stage on the terminal; the full event log goes to warehouse/logs/.
run: $(MANIFEST) chromium instance
	@$(BIN)/python -m dagster_project

# The raw and build layers deleted and rebuilt from the landing folder alone, then gated and
# published as a new release (readers keep the current one until then).
rebuild: $(MANIFEST) chromium instance
	@$(BIN)/python -m dagster_project --rebuild

# The Dagster UI (assets, lineage, checks), with the schedule and the landing-folder sensor.
dev: $(MANIFEST) instance
	$(BIN)/dagster dev -w workspace.yaml

# Production on one machine: the webserver and the daemon as two processes over the persistent
# instance in DAGSTER_HOME (docs/guides/deploy-and-operate.md; systemd units in deploy/).
serve: $(MANIFEST) chromium
	$(BIN)/python -m dagster_project.operations.serve

# Outside the test suite: the real webserver and daemon driven through NIGHTS nights of
# deliveries, failures and restarts on a scratch instance (soak/); prints a table of nights.
NIGHTS ?= 30
soak: $(MANIFEST)
	$(BIN)/python -m soak --nights $(NIGHTS)

# dbt docs as one page that opens offline: every model, column and indicator definition.
# After `make run` the catalog also has every column's type; before it, descriptions only.
docs: $(MANIFEST)
	mkdir -p warehouse
	cd dbt && SUNDHEDSDATA_WAREHOUSE_DIR=$(CURDIR)/warehouse ../$(BIN)/dbt docs generate --static \
		--vars '$(shell $(BIN)/python -m dagster_project.settings)' \
		--target-path $(CURDIR)/warehouse/dbt_docs $(if $(wildcard warehouse/build.duckdb),,--empty-catalog)
	@echo "dbt docs: warehouse/dbt_docs/static_index.html"

# The disclosure thresholds as dbt --vars, from the settings: dbt build --vars "$(make -s dbt-vars)"
dbt-vars: $(STAMP)
	@$(BIN)/python -m dagster_project.settings

# Outside the test suite: generate synthetic extracts at SCALE and measure the nightly refresh;
# with SPARK=1 also the full refresh with dbt on Spark (local mode), beside DuckDB's.
SCALE ?= 0.1
bench: $(MANIFEST) chromium
	$(BIN)/python -m benchmarks.run --scale $(SCALE) $(if $(SPARK),--spark)

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
	$(BIN)/python -m synthetic --out data --seed 2024 --scale 0.05 \
		--register-years 2024 2025 --school-years 2022 2023 2024 2025 --status-years 2024 2025 \
		--published-years 2010 --both-forms-years 2021 --count-years 2022 2023 2024

clean:
	rm -rf warehouse .dagster_home dbt/target dbt/logs .sqlfluff_warehouse
