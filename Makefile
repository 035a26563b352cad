# Career Advisor: `make run` to serve, `make test` to check everything.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test index eval bench lint clean screenshots fuzz

# The stamp is rebuilt whenever pyproject.toml changes, so a pull that adds a dependency installs it.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

index/CURRENT: | $(BIN)/.installed
	$(BIN)/advisor index

run: $(BIN)/.installed index/CURRENT
	$(BIN)/advisor serve --host 127.0.0.1 --port 8000

index: $(BIN)/.installed
	$(BIN)/advisor index

# The browser tests drive Debian's chromium; Playwright cannot download browsers here.
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

# The conversation store is also tested against a real PostgreSQL server (Debian's).
/usr/lib/postgresql:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null

test: $(BIN)/.installed /usr/bin/chromium /usr/lib/postgresql
	$(BIN)/python -m pytest

fuzz: $(BIN)/.installed
	FUZZ_EXAMPLES=1000 $(BIN)/python -m pytest tests/test_fuzz.py -q

screenshots: $(BIN)/.installed /usr/bin/chromium index/CURRENT
	$(BIN)/python docs/screenshots.py

eval: $(BIN)/.installed index/CURRENT
	$(BIN)/python eval/retrieval.py
	$(BIN)/python eval/answers.py

bench: $(BIN)/.installed index/CURRENT
	$(BIN)/python bench/report.py

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests bench eval
	$(BIN)/ruff format --check src tests bench eval
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) index/CURRENT index/versions
