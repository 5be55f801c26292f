# Two commands on a fresh clone: `make demo` runs the product offline, `make test` runs everything.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test lint typecheck pytest install install-dev bench bench-pulse bench-replicas bench-sentiment bench-fanout clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

# The tests load the real sentiment model offline, so they need the ml extra (torch 2.13.0 CPU).
$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev,ml]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	$(BIN)/teamwell demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/slack_ingress.py

bench-replicas: $(VENV)/.installed-dev
	$(BIN)/python bench/ingress_replicas.py

bench-pulse: $(VENV)/.installed-dev
	$(BIN)/python bench/pulse_scale.py

bench-sentiment: $(VENV)/.installed-dev
	$(BIN)/python bench/sentiment.py

bench-fanout: $(VENV)/.installed-dev
	$(BIN)/python bench/fanout.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
