# Two commands: `make demo` and `make test`. Both install only what is missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
BASE_STAMP := $(VENV)/.zhenwei-base
DEV_STAMP := $(VENV)/.zhenwei-dev
SYS_STAMP := $(VENV)/.zhenwei-system

.PHONY: demo test install install-dev system lint typecheck bench clean

demo: install
	$(BIN)/zhenwei demo

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: system $(BASE_STAMP)
install-dev: install $(DEV_STAMP)

system: $(SYS_STAMP)

$(SYS_STAMP): scripts/install-system.sh | $(BIN)/python
	bash scripts/install-system.sh
	touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(BASE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(BASE_STAMP)
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

typecheck: install-dev
	$(BIN)/mypy

bench: install-dev
	for f in bench/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var build *.egg-info
