"""The package's shape, guarded: no import cycles among its modules, every module
a readable size, `python -m storymap` working, and write.py the only module that
writes into the output folder.

The checks read the source (ast), so a new module is covered the day it is added.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

PACKAGE = REPO / "storymap"
MAX_LINES = 400  # a module longer than this does more than one job: split it
# Every module that writes files, and where. write.py alone writes the output folder;
# the others write where a journalist or a developer asked, never into --out.
WRITERS = {
    "storymap/write.py": "the output folder, swapped in whole",
    "storymap/desk/scaffold.py": "new story and event files in stories/ (python build.py new)",
    "storymap/source/sheets.py": "the event files an import makes in stories/",
    "storymap/desk/linkswrite.py": "archive: lines added to event files by links --write",
    "storymap/geo/routecache.py": "computed routes in the user's cache folder (STORYMAP_CACHE_DIR), never --out",
    "storymap/render/schema.py": "docs/schema/ when run by make docs-schema, never in a build",
    "storymap/catalogs.py": "storymap/locale/ when run by python -m storymap.catalogs, never in a build",
}
# What writes, renames or removes a file: Path's methods (replace is left out: str has one too),
# os's and shutil's functions, and os.open's flags.
PATH_WRITES = {"write_bytes", "write_text", "mkdir", "touch", "unlink", "rmdir", "rename", "symlink_to",
               "hardlink_to"}
MODULE_WRITES = {"os": {"mkdir", "makedirs", "rename", "renames", "replace", "remove", "removedirs", "unlink",
                        "rmdir", "symlink", "link"},
                 "shutil": {"rmtree", "copy", "copy2", "copyfile", "copytree", "move"}}
WRITING_FLAGS = {"O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC"}


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its __init__.py)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that a module imports, at its top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's own package, up level - 1 packages
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in known else base)
    return {target for target in found if target in known and target != name}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, set(known)) for name, path in known.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as the chain of modules (first and last the same), or None."""
    done: set[str] = set()

    def visit(name: str, chain: list[str]) -> list[str] | None:
        if name in chain:
            return chain[chain.index(name):] + [name]
        if name in done:
            return None
        for target in sorted(graph.get(name, ())):
            cycle = visit(target, chain + [name])
            if cycle:
                return cycle
        done.add(name)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


def writes_in(source: str) -> list[str]:
    """Each call in the source that writes, renames or removes a file, as `line: call`, in line order."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in WRITING_FLAGS:
            found.append((node.lineno, f"os.{node.attr}"))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else ""
            if func.attr in MODULE_WRITES.get(owner, ()):
                found.append((node.lineno, f"{owner}.{func.attr}()"))
            elif owner not in MODULE_WRITES and func.attr in PATH_WRITES:
                found.append((node.lineno, f"{func.attr}()"))
        elif isinstance(func, ast.Name) and func.id == "open" and _writing_mode(node):
            found.append((node.lineno, f"open(..., {_writing_mode(node)!r})"))
    return [f"{line}: {call}" for line, call in sorted(found)]


def _writing_mode(call: ast.Call) -> str:
    """The mode of an open() call when it writes ("w", "ab", "r+", ...), else ""."""
    mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "mode"), None)
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax+"):
        return mode.value
    return ""


def test_no_import_cycles_among_the_modules():
    graph = import_graph()
    assert "storymap.console" in graph["storymap.desk.serve"]  # the walk sees real imports
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_names_the_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"b"}, "d": set()}
    assert find_cycle(graph) == ["b", "c", "b"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_serve_does_not_import_the_command_line():
    """The command line starts serve; serve writes its lines through console.py."""
    graph = import_graph()
    assert "storymap.cli" not in graph["storymap.desk.serve"]
    assert {name for name, targets in graph.items() if "storymap.cli" in targets} == {"storymap.__main__"}


def test_every_module_is_under_400_lines():
    long = {str(path.relative_to(REPO)): count for path in modules().values()
            if (count := len(path.read_text("utf-8").splitlines())) >= MAX_LINES}
    assert not long, f"modules of {MAX_LINES} lines or more (split them): {long}"


def test_python_m_storymap_help_works(tmp_path):
    result = subprocess.run([sys.executable, "-m", "storymap", "--help"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: python -m storymap") and "serve" in result.stdout


def test_only_write_py_writes_into_the_output():
    writers = {str(path.relative_to(REPO)): found for path in modules().values()
               if (found := writes_in(path.read_text("utf-8")))}
    unexpected = {path: found for path, found in writers.items() if path not in WRITERS}
    assert not unexpected, f"files written outside write.py (output goes through write.py): {unexpected}"
    assert set(WRITERS) == set(writers), "a module in WRITERS no longer writes: take it off the list"


def test_the_write_finder_sees_each_way_of_writing():
    source = """
Path("a").write_text("x")
open(name, "w")
open(name, mode="ab")
os.open(name, os.O_WRONLY)
shutil.rmtree(folder)
open(name)
open(name, "rb")
Path("a").read_text()
"text".replace("a", "b")
items.remove(item)
"""
    assert writes_in(source) == ["2: write_text()", "3: open(..., 'w')", "4: open(..., 'ab')", "5: os.O_WRONLY",
                                 "6: shutil.rmtree()"]
