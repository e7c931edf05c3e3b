# causalcraft: set up, run an episode, run the tests.
#   make demo    set up, then run cooking/cake_0 with 3 agents (simulator, embedded broker, offline brain)
#   make test    set up, then run the test suite (unit, broker, simulator and real-server tests)

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
TASK    ?= cooking/cake_0
AGENTS  ?= 3

.PHONY: setup system demo test lint bench clean

setup: $(VENV)/.installed env/node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

env/node_modules/.installed: env/package.json env/package-lock.json
	cd env && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages the tests use: mosquitto (the external-broker tests), chromium (the watch
# page's end-to-end tests, driven by playwright-core: no browser download).
system:
	@command -v mosquitto >/dev/null 2>&1 || ( \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto mosquitto-clients >/dev/null; \
	  else echo "mosquitto is missing: sudo apt-get install mosquitto (its tests will be skipped)"; fi )
	@command -v chromium >/dev/null 2>&1 || ( \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: sudo apt-get install chromium (the watch page tests will be skipped)"; fi )

demo: setup
	$(BIN)/causalcraft run $(TASK) --agents $(AGENTS) --out runs/demo.json

test: setup system
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python bench/bench_episodes.py

clean:
	rm -rf $(VENV) env/node_modules runs .pytest_cache
