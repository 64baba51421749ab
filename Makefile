# Gaodi: the two commands.
#   make demo   install into .venv, build the demo city, serve http://127.0.0.1:8000
#   make test   install into .venv, run ruff, the import-layer contract and the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_SIZE ?= medium
DEMO_SEED ?= 2021
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test install install-spark lint serve lock bench docs clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "setuptools>=69" wheel
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# The Spark engine's packages (pyspark is a 430 MB download): the tests need them, the demo not.
$(VENV)/.spark: requirements-spark.lock $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.lock
	@touch $@

install-spark: $(VENV)/.spark

demo: install
	$(BIN)/gaodi db upgrade
	$(BIN)/gaodi demo build --size $(DEMO_SIZE) --seed $(DEMO_SEED) --if-missing
	$(BIN)/gaodi user demo-accounts
	$(BIN)/gaodi serve --host $(HOST) --port $(PORT)

# --dist loadscope: a module's tests run on one worker, so a module's fixtures (a live server,
# a printed report) are built once, not once per worker.
test: install $(VENV)/.spark
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadscope --durations=40 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

serve: install
	$(BIN)/gaodi serve --host $(HOST) --port $(PORT)

# Refresh the lock file after changing dependencies in pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	.lock-venv/bin/python -m pip install --quiet "setuptools>=69" wheel
	.lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -vE '^(gaodi|pip)==' > requirements.lock
	rm -rf .lock-venv

docs: install
	$(BIN)/python -m typer --app app gaodi.cli utils docs --name gaodi --title "Gaodi command line" --output docs/cli.md
	$(BIN)/gaodi config docs > docs/configuration.md

# The quick benchmarks (see benchmarks/README.md for the others and their arguments).
bench: install
	$(BIN)/python benchmarks/demo_build.py --sizes small,medium
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/board.py
	$(BIN)/python benchmarks/complexity.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build *.egg-info
