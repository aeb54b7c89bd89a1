"""The message catalog: every problem the code reports is catalogued, and every catalogued one is used."""
from __future__ import annotations

import ast
from pathlib import Path

from storymap import messages

PACKAGE = Path(messages.__file__).parent


def codes_in_code() -> set[str]:
    """Problem codes named in the package: first string argument after the mark in .add(...) and
    .add_warning(...),
    codes returned by Custom checks ((None, "code", hint) tuples), and files.Refusal("code")."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("add", "add_warning") \
                    and len(node.args) >= 2:
                code = node.args[1]
                if isinstance(code, ast.Constant) and isinstance(code.value, str):
                    found.add(code.value)
                elif isinstance(code, ast.IfExp):
                    found.update(c.value for c in (code.body, code.orelse) if isinstance(c, ast.Constant))
            name = getattr(node.func, "attr", getattr(node.func, "id", "")) if isinstance(node, ast.Call) else ""
            if name == "Refusal" and node.args and isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
            if isinstance(node, (ast.Tuple, ast.Return)):
                items = node.elts if isinstance(node, ast.Tuple) else []
                found.update(i.value for i in items if isinstance(i, ast.Constant) and i.value in messages.MESSAGES)
    return found


def test_every_reported_code_is_catalogued_and_every_message_is_used():
    used = codes_in_code()
    assert used - set(messages.MESSAGES) == set(), "codes missing from messages.py"
    assert set(messages.MESSAGES) - used == set(), "catalogued messages nothing reports"


def test_placeholder_text_for_the_docs():
    assert messages.placeholder_text(messages.MESSAGES["unknown-key"]) == "unknown key '<key>' in <record>"
