# Quick start: `make run` (the main job) and `make test` (the whole suite); each bootstraps .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXTRAS := cli,compare,plot,ray,test

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# the CPU wheel first: a bare or open-ended torch requirement would pull a multi-GB CUDA build
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[$(EXTRAS)]'
	touch $(STAMP)

# Debian's headless Chromium renders `actlab report` in its browser test; installing it needs root (as in CI),
# elsewhere this is best effort and that one test says it skipped because chromium is absent
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "note: chromium is not installed; the report's browser test will skip"

.PHONY: run test bench chromium
run: $(STAMP)
	$(VENV)/bin/actlab compare

test: $(STAMP) chromium
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/kernels.py
	$(PY) benchmarks/nn_train.py
	$(PY) benchmarks/torch_modules.py
	$(PY) benchmarks/compare_vs_sklearn.py
