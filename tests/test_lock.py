"""The lock files (requirements/*.txt) install what was tested on any machine.

Each pins every package at one exact version with hashes, covers what pyproject.toml asks for, names
no index or local path of the machine that wrote it, and the two files agree; the Makefile installs
from them. That the lock holds every transitive dependency is checked by pip itself: in
--require-hashes mode it refuses a dependency the file does not pin.
"""
from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import REPO

LOCKS = {"site": REPO / "requirements" / "site.txt", "test": REPO / "requirements" / "test.txt"}
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;(?P<marker>[^\\]+))?\\?$")
HASH = re.compile(r"^\s+--hash=sha256:[0-9a-f]{64}\s*\\?$")


def entries(text: str) -> dict[str, tuple[str, int]]:
    """{package: (version, number of hashes)} of a lock file; fails on any line it does not expect."""
    found: dict[str, tuple[str, int]] = {}
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pin = PIN.match(line)
        if pin:
            current = canonicalize_name(pin["name"])
            assert current not in found, f"line {number}: {current} pinned twice"
            found[current] = (pin["version"], 0)
        elif HASH.match(line) and current:
            version, hashes = found[current]
            found[current] = (version, hashes + 1)
        else:
            raise AssertionError(f"line {number} is neither an exact pin nor a sha256 hash: {line!r}")
    return found


def wanted(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    names = [*project["build-system"]["requires"], *project["project"]["dependencies"]]
    if extra:
        names += project["project"]["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


@pytest.mark.parametrize("kind", LOCKS)
def test_every_package_is_pinned_with_hashes(kind):
    pins = entries(LOCKS[kind].read_text("utf-8"))
    assert pins
    assert not [name for name, (_, hashes) in pins.items() if hashes == 0]


@pytest.mark.parametrize("kind", LOCKS)
def test_the_lock_satisfies_pyproject(kind):
    pins = entries(LOCKS[kind].read_text("utf-8"))
    for requirement in wanted("test" if kind == "test" else None):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is in pyproject.toml but not in {LOCKS[kind].name}: run `make lock`"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), \
            f"{name}=={pins[name][0]} in {LOCKS[kind].name} breaks pyproject.toml's {requirement}: run `make lock`"


@pytest.mark.parametrize("kind", LOCKS)
def test_the_lock_names_nothing_of_the_machine_that_wrote_it(kind):
    text = LOCKS[kind].read_text("utf-8")
    for option in ("--index-url", "--extra-index-url", "--find-links", "-f ", "file:", "/opt/", "/tmp/", "/home/"):
        assert option not in text, f"{LOCKS[kind].name} mentions {option!r}"


def test_site_and_test_locks_agree():
    site, test = (entries(LOCKS[kind].read_text("utf-8")) for kind in ("site", "test"))
    assert {name: version for name, (version, _) in site.items()} == \
           {name: test[name][0] for name in site if name in test}
    assert set(site) <= set(test)


def test_make_installs_from_the_locks_and_lints():
    makefile = (REPO / "Makefile").read_text("utf-8")
    assert "install --quiet --require-hashes -r $(SITE_LOCK)" in makefile
    assert "install --quiet --require-hashes -r $(TEST_LOCK)" in makefile
    assert "--no-deps --no-build-isolation -e ." in makefile
    assert re.search(r"^\$\(STAMP\): \$\(SITE_LOCK\)", makefile, re.MULTILINE)
    assert re.search(r"^\$\(TEST_STAMP\): \$\(TEST_LOCK\)", makefile, re.MULTILINE)
    assert re.search(r"^test: .*\blint\b", makefile, re.MULTILINE)
