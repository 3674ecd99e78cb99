# guangdong-facts: the two commands of the README, and their parts.
#   make serve   set up, build guangdong_facts.db and serve it on 127.0.0.1
#   make test    install what the tests need and run them all
#   make release build, then write the release files into release/ (RELEASE=dir elsewhere)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= guangdong_facts.db
HOST   ?= 127.0.0.1
PORT   ?= 8001
RELEASE ?= release

.PHONY: serve test build check clean chromium bench bench-1m release

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(BIN)/.installed-release: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[release]'
	touch $@

build: $(BIN)/.installed
	$(BIN)/python build_db.py -o $(DB)

check: $(BIN)/.installed
	$(BIN)/python build_db.py --check

# Every table and view as CSV and Parquet, the .db and datapackage.json (gdfacts export).
release: build $(BIN)/.installed-release
	$(BIN)/gdfacts --db $(DB) export --replace $(RELEASE)

serve: build
	$(BIN)/gdfacts --db $(DB) serve --host $(HOST) --port $(PORT)

# The browser test drives Debian's Chromium, and its screenshots show Chinese
# with Debian's fonts-noto-cjk; install whichever is missing.
chromium:
	@missing=; command -v chromium >/dev/null 2>&1 || missing=chromium; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	[ -z "$$missing" ] || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  echo "installing Debian's$$missing for the browser test"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; }

test: $(BIN)/.installed-test chromium
	$(BIN)/python -m pytest

# The scale benchmark (bench/scale.py); make bench-1m adds a million records (most of an hour more).
BENCH_SIZES ?= 1000 10000 100000

bench: $(BIN)/.installed
	$(BIN)/python bench/scale.py $(BENCH_SIZES)

bench-1m: $(BIN)/.installed
	$(BIN)/python bench/scale.py $(BENCH_SIZES) 1000000

clean:
	rm -f $(DB) $(basename $(DB))-inspect.json .$(DB).*.tmp .$(basename $(DB))-inspect.json.*.tmp
	rm -rf .$(DB).served
