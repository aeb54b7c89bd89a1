# The whole set-up: `make site` builds stories/ into site/, `make test` runs every test.
# Both create .venv/ and install into it, when needed, exactly the packages of the lock files
# in requirements/ (versions and hashes); `make lock` refreshes those files on purpose.
# docs/development.md explains the dependencies and the lock.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SITE_LOCK := requirements/site.txt
TEST_LOCK := requirements/test.txt
# The lock tool, pinned: a newer uv may write the same resolution differently.
UV_VERSION := 0.13.8
UV_STAMP := $(VENV)/.uv-$(UV_VERSION)
LINTED := storymap tests bench build.py

.PHONY: site test lint typecheck lock serve check bench golden docs-schema picture basemap-layers country-pieces leaflet bundle chromium fonts bytecode clean

# The stamps depend on the lock files, so a changed lock reinstalls. The packages come first with
# every hash checked; then the project itself, without resolving anything again and built by the
# locked setuptools (no build isolation, which would fetch whatever setuptools is newest).
$(STAMP): $(SITE_LOCK) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r $(SITE_LOCK)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(TEST_STAMP): $(TEST_LOCK) $(STAMP)
	$(PIP) install --quiet --require-hashes -r $(TEST_LOCK)
	touch $@

# Our modules byte-compiled, as pip compiles installed packages: where PYTHONDONTWRITEBYTECODE is
# set (CI machines) every build would compile them again. Quick when nothing changed.
bytecode: $(STAMP)
	$(PY) -m compileall -q storymap

# make site BASE_URL=https://newsroom.github.io/story-maps/ for the feed's and oEmbed's absolute links.
site: $(STAMP) fonts bytecode
	$(PY) build.py $(if $(BASE_URL),--base-url "$(BASE_URL)")

check: $(STAMP) bytecode
	$(PY) build.py check

# In CI (CI=true) the browser tests must run: install Debian's Chromium when missing.
chromium:
	@if [ "$$CI" = "true" ] && [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi

# preview.png draws Korean in Debian's NanumGothic (storymap/preview/fonts.py). As root or in CI,
# install fonts-nanum when missing; elsewhere say how, and build on: Korean is then white squares.
NANUM := /usr/share/fonts/truetype/nanum/NanumGothic.ttf
fonts:
	@if [ ! -f $(NANUM) ]; then \
		if { [ "$$CI" = "true" ] || [ "$$(id -u)" = 0 ]; } && command -v apt-get >/dev/null; then \
			echo "Installing Debian's fonts-nanum for Korean text in preview.png"; \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-nanum; \
		else \
			echo "note: no $(NANUM): preview.png draws Korean as white squares until you install Debian's fonts-nanum (sudo apt-get install fonts-nanum)"; \
		fi; \
	fi

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check --no-cache $(LINTED)

# mypy reads its settings, and what it checks (the storymap package), from pyproject.toml.
typecheck: $(TEST_STAMP)
	$(VENV)/bin/mypy

test: $(TEST_STAMP) chromium fonts lint typecheck
	$(PY) -m pytest

$(UV_STAMP):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet uv==$(UV_VERSION)
	touch $@

# Refresh the lock files from pyproject.toml (never run by another target): pins already in the
# files are kept unless pyproject.toml rules them out. `make lock LOCK_ARGS=--upgrade` moves every
# package to its newest version, `LOCK_ARGS="--upgrade-package babel"` one. Review the diff, then
# `make test`. The test lock is resolved first; the site lock takes the same versions from it.
# setuptools, the build backend [build-system] names, is locked too (read from pyproject.toml).
BUILD_REQUIRES = $(PY) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'
COMPILE = $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(LOCK_ARGS) pyproject.toml -

lock: $(UV_STAMP)
	mkdir -p requirements
	$(BUILD_REQUIRES) | $(COMPILE) --extra test -o $(TEST_LOCK)
	$(BUILD_REQUIRES) | $(COMPILE) -c $(TEST_LOCK) -o $(SITE_LOCK)

# Regenerate the golden files after an intended change in output (then review the diff).
golden: $(TEST_STAMP)
	$(PY) -m tests.golden_regen

# Regenerate docs/schema/ (the JSON Schemas editors use) after changing a field.
docs-schema: $(STAMP)
	$(PY) -m storymap.render.schema docs/schema

# Re-simplify the built-in base map's layers (data/naturalearth/basemap-layers.npz) after a change to
# Natural Earth's files, the levels or the simplification: tests/test_basemap_layers.py says when.
basemap-layers: $(STAMP)
	$(PY) tools/build_basemap_layers.py

# Cut Natural Earth's 1:50m countries into the valid pieces the places-outside-their-country check
# measures (data/naturalearth/countries-50m-pieces.npz) after a change to countries-50m.json,
# iso-3166-1.csv or how storymap/geo/countries.py makes them: tests/test_country_pieces.py says when.
country-pieces: $(STAMP)
	$(PY) tools/build_country_pieces.py

# Rebuild storymap/static/vendor/leaflet.js and leaflet.css, the part of Leaflet the story pages
# use, from tools/leaflet: entry.js, with Leaflet and esbuild at the versions package-lock.json
# pins (installed without their install scripts). Needs Node.js and npm; the site build and the
# tests only read the committed files. tests/test_vendor_leaflet.py says when a rebuild is due.
LEAFLET_TOOLS := tools/leaflet
VENDOR := storymap/static/vendor
leaflet:
	cd $(LEAFLET_TOOLS) && npm ci --ignore-scripts --no-audit --no-fund
	node $(LEAFLET_TOOLS)/build.mjs $(VENDOR)/leaflet.js $(VENDOR)/leaflet.css

# Minify the page script and styles (storymap/static/storymap.min.js, .min.css) after changing
# storymap/static/js/, css/ or styles.json, with the esbuild tools/leaflet pins (Node.js and npm only):
# tests/test_bundle.py says when. Sites are built from the committed files.
bundle: $(STAMP)
	cd $(LEAFLET_TOOLS) && npm ci --ignore-scripts --no-audit --no-fund
	$(PY) tools/bundle_js.py

# Redraw the README's picture: the example story's preview.png, as every build draws it (offline,
# byte-identical from build to build, so an unchanged story leaves the committed file unchanged).
picture: site
	cp site/nk-russia-munitions-2023/preview.png docs/example-story.png

serve: $(STAMP) bytecode
	$(PY) build.py serve

bench: $(TEST_STAMP)
	$(PY) bench/bench.py
	$(PY) bench/routing.py

clean:
	rm -rf site .venv
