# The whole set-up: `make site` builds stories/ into site/, `make test` runs every test.
# Both create .venv/ and install the project into it when needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site test serve check bench golden docs-schema chromium clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# make site BASE_URL=https://newsroom.github.io/story-maps/ for the feed's and oEmbed's absolute links.
site: $(STAMP)
	$(PY) build.py $(if $(BASE_URL),--base-url "$(BASE_URL)")

check: $(STAMP)
	$(PY) build.py check

# In CI (CI=true) the browser tests must run: install Debian's Chromium when missing.
chromium:
	@if [ "$$CI" = "true" ] && [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi

test: $(TEST_STAMP) chromium
	$(PY) -m pytest

# Regenerate the golden files after an intended change in output (then review the diff).
golden: $(TEST_STAMP)
	$(PY) -m tests.golden_regen

# Regenerate docs/schema/ (the JSON Schemas editors use) after changing a field.
docs-schema: $(STAMP)
	$(PY) -m storymap.schema docs/schema

serve: $(STAMP)
	$(PY) build.py serve

bench: $(TEST_STAMP)
	$(PY) bench/bench.py

clean:
	rm -rf site .venv
