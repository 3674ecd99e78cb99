# guangdong-facts: the two commands of the README, and their parts.
#   make serve   set up, build guangdong_facts.db and serve it on 127.0.0.1
#   make test    install what the tests need and run them all

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= guangdong_facts.db
HOST   ?= 127.0.0.1
PORT   ?= 8001

.PHONY: serve test build check clean chromium bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

build: $(BIN)/.installed
	$(BIN)/python build_db.py -o $(DB)

check: $(BIN)/.installed
	$(BIN)/python build_db.py --check

serve: build
	$(BIN)/gdfacts --db $(DB) serve --host $(HOST) --port $(PORT)

# The browser test drives Debian's Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  echo "installing Debian's chromium for the browser test"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium >/dev/null; }

test: $(BIN)/.installed-test chromium
	$(BIN)/python -m pytest

bench: $(BIN)/.installed
	$(BIN)/python bench/scale.py 1000 10000 100000

clean:
	rm -f $(DB) $(basename $(DB))-inspect.json .$(DB).*.tmp .$(basename $(DB))-inspect.json.*.tmp
	rm -rf .$(DB).served
