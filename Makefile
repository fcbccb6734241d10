# digest: `make site` builds _site/ from content/, `make test` runs the tests.
# Everything is installed into .venv by these rules; nothing outside it is needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# SITE_URL overrides site.toml's base_url, e.g. make site SITE_URL=https://user.github.io/repo/
SITE_URL ?=
PORT   ?= 8000
BUILD_ARGS := $(if $(SITE_URL),--base-url $(SITE_URL),)

.PHONY: chromium site test serve clean golden fuzz bench-extraction bench-summary bench-topics bench-build

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	# The pip that ships with Python 3.11 (23.2) crashes resolving lxml[html-clean] extras.
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

site: $(VENV)/.installed
	$(BIN)/digest build $(BUILD_ARGS)

# The browser tests drive Debian's Chromium (no browser download): install it when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

test: $(VENV)/.installed-test chromium
	$(BIN)/python -m pytest -q

# The example site's pages and feeds as tests/golden/ (compared by make test): review with git diff.
golden: $(VENV)/.installed-test
	$(BIN)/python tests/golden_site.py

serve: $(VENV)/.installed
	$(BIN)/digest serve --port $(PORT) $(BUILD_ARGS)

# A longer property-based run than the one in `make test` (hypothesis, many examples).
fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py

bench-build: $(VENV)/.installed-bench
	$(BIN)/python bench/build.py

bench-extraction: $(VENV)/.installed-bench
	$(BIN)/python bench/extraction.py

bench-summary: $(VENV)/.installed-bench
	$(BIN)/python bench/summary.py

bench-topics: $(VENV)/.installed-bench
	$(BIN)/python bench/topics.py

clean:
	rm -rf _site .digest-cache
