# pulumi-qoder: two commands on a fresh machine.
#   make demo   - virtualenv, engine, embedded emulator, `pulumi up` of the demo stack, summary
#   make test   - virtualenv, engine, linters, the whole test suite (engine tests included)
SHELL := /bin/bash
# A failing command before a | fails the recipe.
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: help venv engine dist demo demo-preview demo-destroy emulator-stop test lint format unit engine-test bench clean

help:
	@echo "make demo          run the demo stack against the embedded emulator"
	@echo "make test          linters + the whole test suite (builds the engine if needed)"
	@echo "make engine        obtain the Pulumi CLI: $$(bash scripts/get-engine.sh --version) (cached outside the repo)"
	@echo "make lint          ruff + mypy --strict"
	@echo "make demo-destroy  destroy the demo stack;  make emulator-stop  stop the emulator"
	@echo "make dist          build the wheel and the sdist into dist/"
	@echo "make bench         run the benchmarks in benchmarks/"
	@echo "make clean         remove the virtualenv, demo state and caches (not the engine cache)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (found " + sys.version.split()[0] + ")")'
	@test -x $(PY) || { echo "venv: creating $(VENV) with $$($(PYTHON) --version)"; $(PYTHON) -m venv $(VENV); }
	@echo "venv: upgrading pip"
	@$(PY) -m pip install --quiet --upgrade pip
	@echo "venv: installing pulumi-qoder[dev] (editable) and its dependencies, one line per step"
	@$(PY) -m pip install --progress-bar off -e '.[dev]' | $(PYTHON) scripts/pip_steps.py
	@rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP)

engine:
	@bin=$$(bash scripts/get-engine.sh) && bash scripts/get-language-yaml.sh "$$bin" >/dev/null

# A wheel and an sdist in dist/ (the sdist builds the wheel, so it is complete); full log in dist/build.log.
dist: venv
	@rm -rf dist; mkdir -p dist
	@$(PY) -m build --no-isolation --outdir dist . 2>&1 | tee dist/build.log | grep --line-buffered -E '^(\* |Successfully built)' \
	  || { echo "dist: the build failed; see dist/build.log" >&2; exit 1; }

demo: venv engine
	@PY=$(PY) bash scripts/demo.sh up

demo-preview: venv engine
	@PY=$(PY) bash scripts/demo.sh preview

demo-destroy: venv engine
	@PY=$(PY) bash scripts/demo.sh destroy

emulator-stop:
	@PY=$(PY) bash scripts/demo.sh stop

lint: venv
	$(VENV)/bin/ruff check provider emulator cron tests examples benchmarks scripts
	$(VENV)/bin/ruff format --check provider emulator cron tests examples benchmarks scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --strict tests scripts benchmarks
	@for m in examples/*/__main__.py; do $(VENV)/bin/mypy --strict --no-error-summary $$m || exit 1; done

format: venv
	$(VENV)/bin/ruff format provider emulator cron tests examples benchmarks scripts
	$(VENV)/bin/ruff check --fix provider emulator cron tests examples benchmarks scripts

test: venv engine lint
	CI=$${CI:-} $(VENV)/bin/pytest $(PYTEST_ARGS)

unit: venv
	$(VENV)/bin/pytest --ignore=tests/engine $(PYTEST_ARGS)

engine-test: venv engine
	$(VENV)/bin/pytest tests/engine $(PYTEST_ARGS)

.PHONY: plugin
# The native provider as an installable plugin tarball in dist/ (see docs/native.md).
plugin: venv
	@bash scripts/build-plugin.sh $(PY)

bench: venv
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	-@PY=$(PY) bash scripts/demo.sh stop 2>/dev/null
	rm -rf $(VENV) .state .pytest_cache .mypy_cache .ruff_cache .hypothesis *.egg-info provider/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
