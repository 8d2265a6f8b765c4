# Quick start: `make run` (the main job) and `make test` (the whole suite); each bootstraps .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[cli,test]'
	touch $(STAMP)

.PHONY: run test bench
run: $(STAMP)
	$(VENV)/bin/actlab list
	$(VENV)/bin/actlab show gelu

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/kernels.py
