# crm_bulk_import: `make run` and `make test` on a new machine (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
BUILD   := .build
CONF    := $(BUILD)/odoo.conf
ODOO_SRC ?= $(HOME)/.cache/odoo/18.0
ODOO    := $(PY) $(ODOO_SRC)/odoo-bin -c $(CONF)
RUN_DB  ?= crm_bulk_import
TEST_DB ?= crm_bulk_import_test
MODULE  := crm_bulk_import
PORT    ?= 8069

export ODOO_SRC

.PHONY: help setup run test test-db fuzz pot screenshots pytest lint bench clean

help:
	@echo "make run   Odoo 18 at http://localhost:$(PORT) with $(MODULE) and its demo data (admin / admin)"
	@echo "make test  a fresh database, the module installed, the whole test suite"
	@echo "make fuzz  the fuzz tests, long (3,000 random examples per property; tests/README.md)"
	@echo "make bench this module against Odoo's base_import, side by side (bench/README.md)"

setup:
	@bash tools/setup.sh

run: setup
	@if ! psql -h 127.0.0.1 -U odoo -d $(RUN_DB) -tAc "select 1 from ir_module_module where name='$(MODULE)' and state='installed'" 2>/dev/null | grep -q 1; then \
		echo "==> creating database $(RUN_DB) with $(MODULE) and demo data"; \
		$(ODOO) -d $(RUN_DB) -i $(MODULE) --stop-after-init --log-level=warn; \
	fi
	@echo "==> Odoo 18 with $(MODULE): http://localhost:$(PORT)  (login admin / admin)"
	@$(ODOO) -d $(RUN_DB) --http-port=$(PORT) --db-filter='^$(RUN_DB)$$'

# A fresh database, the module installed, then every test: pytest-odoo runs the
# Python and the browser tests (with --odoo-http, so Chromium can reach Odoo).
test: setup
	@$(PY) -c "import websocket" || { echo "websocket-client is missing: browser tests would be skipped" >&2; exit 1; }
	@command -v chromium >/dev/null || { echo "chromium is missing: browser tests would be skipped" >&2; exit 1; }
	@$(MAKE) --no-print-directory test-db
	@echo "==> running the tests"
	@$(MAKE) --no-print-directory pytest DB=$(TEST_DB)

test-db:
	@dropdb -h 127.0.0.1 -U odoo --if-exists $(TEST_DB)
	@echo "==> installing $(MODULE) in a fresh database $(TEST_DB)"
	@$(ODOO) -d $(TEST_DB) -i $(MODULE) --stop-after-init --log-level=warn

# docs/screenshots/: a fresh demo database, Odoo on SHOTS_PORT, headless Chromium.
SHOTS_DB   ?= crm_bulk_import_shots
SHOTS_PORT ?= 8079
screenshots: setup
	@dropdb -h 127.0.0.1 -U odoo --if-exists $(SHOTS_DB)
	@echo "==> installing $(MODULE) with its demo data in $(SHOTS_DB)"
	@$(ODOO) -d $(SHOTS_DB) -i $(MODULE) --stop-after-init --log-level=warn
	@$(ODOO) -d $(SHOTS_DB) --http-port=$(SHOTS_PORT) --db-filter='^$(SHOTS_DB)$$' --log-level=warn \
		& server=$$!; trap "kill $$server" EXIT; \
		for i in $$(seq 60); do curl -sf -o /dev/null http://127.0.0.1:$(SHOTS_PORT)/web/login && break; sleep 1; done; \
		$(PY) tools/screenshots.py http://127.0.0.1:$(SHOTS_PORT) docs/screenshots

# i18n/crm_bulk_import.pot, from the test database (make test-db first).
pot: setup
	@bash tools/export_pot.sh $(TEST_DB)

# The fuzz tests with many random examples (make test runs 60 fixed ones).
fuzz: setup test-db
	@HYPOTHESIS_PROFILE=fuzz $(MAKE) --no-print-directory pytest DB=$(TEST_DB) PYTEST_ARGS="-q -k Fuzz $(PYTEST_ARGS)"

# The tests are collected through the .build/addons link so that pytest-odoo
# imports them as odoo.addons.crm_bulk_import.tests, whatever this folder's name.
ADDON_DIR := $(CURDIR)/$(BUILD)/addons/$(MODULE)
# queue_job's runner stays off in the test server: the tests run the queue jobs
# themselves (one test starts a production server with its runner).
pytest:
	@ODOO_QUEUE_JOB_CHANNELS=root:0 $(PY) -m pytest -c $(ADDON_DIR)/tests/pytest.ini --rootdir=$(ADDON_DIR) \
		--odoo-config=$(CURDIR)/$(CONF) --odoo-database=$(DB) --odoo-http \
		-p no:cacheprovider $(ADDON_DIR)/tests $(PYTEST_ARGS)

# The checks of .pre-commit-config.yaml on every file: ruff, pylint-odoo,
# oca-checks-odoo-module, prettier... (each installed by pre-commit, once).
lint: setup
	@command -v node >/dev/null || { echo "Node.js is missing: prettier runs on it" >&2; exit 1; }
	@$(PY) -m pre_commit run --all-files --show-diff-on-failure

# The benchmark: its own database, files generated on the fly (bench/README.md).
# A smaller run: make bench BENCH_ARGS="--sizes 1000,10000 --rounds 1"
BENCH_DB ?= crm_bulk_import_bench
bench: setup
	@BENCH_COMMAND="make bench$(if $(BENCH_ARGS), BENCH_ARGS=\"$(BENCH_ARGS)\")" $(PY) bench/run.py \
		--conf $(CONF) --odoo-bin $(ODOO_SRC)/odoo-bin --db $(BENCH_DB) --work $(BUILD)/bench $(BENCH_ARGS)

clean:
	-dropdb -h 127.0.0.1 -U odoo --if-exists $(TEST_DB)
	-dropdb -h 127.0.0.1 -U odoo --if-exists $(BENCH_DB)
	rm -rf $(BUILD)
