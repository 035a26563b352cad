# Career Advisor: `make run` to serve, `make check` for the fast tests, `make test` for all of them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

# Where `make run` serves: `make run PORT=8080 HOST=0.0.0.0`.
HOST ?= 127.0.0.1
PORT ?= 8000

# The fast tier: tests that start no process, server, LLM, browser or database (pyproject's markers).
FAST := not (process or server or llm or browser or database or slow)

.PHONY: run check test index eval bench lint clean screenshots fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Two stamps, each rebuilt whenever pyproject.toml changes, so a pull that adds a dependency
# installs it. Running needs only the package; the dev extras (llama.cpp, which builds for
# minutes, Playwright, schemathesis, pytest, ruff, mypy) are for the tests.
$(BIN)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(BIN)/.installed-run

index/CURRENT: | $(BIN)/.installed-run
	$(BIN)/advisor index

run: $(BIN)/.installed-run index/CURRENT
	$(BIN)/advisor serve --host $(HOST) --port $(PORT)

index: $(BIN)/.installed-run
	$(BIN)/advisor index

# The browser tests drive Debian's chromium; Playwright cannot download browsers here.
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

# The conversation store is also tested against a real PostgreSQL server (Debian's).
/usr/lib/postgresql:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null

# Rate limits shared between workers are tested against a real Redis server (Debian's).
/usr/bin/redis-server:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null

# bench/load.py drives the server with wrk, whose own CPU cost per request is small.
/usr/bin/wrk:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null

# The whole suite, as CI runs it, with the coverage of the code the tests run in process (its floor
# is pyproject's [tool.coverage.report] fail_under); the slowest tests are listed at the end.
test: $(BIN)/.installed-dev /usr/bin/chromium /usr/lib/postgresql /usr/bin/redis-server
	COVERAGE_FILE=$${TMPDIR:-/tmp}/career-advisor.coverage \
	    $(BIN)/python -m pytest --durations=15 --cov=advisor --cov-report=term:skip-covered  # data kept out of the tree

# The fast tier, for day-to-day work: no subprocess, server, LLM, browser or database.
check: $(BIN)/.installed-dev
	$(BIN)/python -m pytest -q -m "$(FAST)" --durations=10

fuzz: $(BIN)/.installed-dev
	FUZZ_EXAMPLES=1000 $(BIN)/python -m pytest tests/test_fuzz.py -q

screenshots: $(BIN)/.installed-dev /usr/bin/chromium index/CURRENT
	$(BIN)/python docs/screenshots.py

eval: $(BIN)/.installed-run index/CURRENT
	$(BIN)/python eval/retrieval.py
	$(BIN)/python eval/answers.py

bench: $(BIN)/.installed-dev index/CURRENT /usr/bin/wrk
	$(BIN)/python bench/report.py

# What a reviewer gates (CI runs it before the tests): lint, format, types, and the floors of the
# house (import-linter's contracts in pyproject: imports only go down, no cycles).
lint: $(BIN)/.installed-dev
	$(BIN)/ruff check src tests bench eval docs
	$(BIN)/ruff format --check src tests bench eval docs
	$(BIN)/mypy src
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) index/CURRENT index/versions
