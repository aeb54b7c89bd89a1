"""Stage 1, load: YAML files to nodes with line and column marks, safely."""
from __future__ import annotations

import time
import tracemalloc

from storymap.source import yamlio
from storymap.errors import Problems
from storymap.source.yamlio import Mapping, Scalar, Sequence


def parse(text: str):
    problems = Problems()
    return yamlio.parse(text, "f.yaml", problems), problems


def test_nodes_remember_line_and_column():
    node, problems = parse("title: Hello\nsources:\n  - publisher: X\n")
    assert not problems
    assert isinstance(node, Mapping)
    assert node.key_node("sources").mark.line == 2
    item = node.get("sources").items[0]
    assert isinstance(item, Mapping)
    assert (item.mark.line, item.mark.col) == (3, 5)
    assert item.get("publisher").mark.col == 16


def test_scalars_stay_the_text_written():
    node, _ = parse("country: NO\non: yes\nn: 0x1F\nd: 2023-10-05\nq: 'x'\ne:\n")
    values = {k.value: v for k, v in node.items}
    assert values["country"].value == "NO"  # never false
    assert values["on"].value == "yes"
    assert values["n"].value == "0x1F"
    assert values["d"].value == "2023-10-05"
    assert values["q"].plain is False
    assert values["e"].is_null


def test_syntax_error_has_position_and_hint():
    _, problems = parse("title: a: b\n")
    (problem,) = problems
    assert (problem.mark.line, problem.mark.col) == (1, 9)
    assert problem.message.startswith("YAML syntax error: mapping values are not allowed")
    assert "quotes" in problem.hint


def test_tab_indentation_error():
    _, problems = parse("title: x\n\tdate: 2023\n")
    assert "syntax error" in problems.items[0].message
    assert problems.items[0].mark.line == 2
    assert problems.items[0].hint == "indent with spaces, not tabs"


def test_tab_before_a_list_item_gets_the_tab_hint():
    _, problems = parse("title: x\nsources:\n\t- publisher: P\n")
    assert problems.items[0].hint == "indent with spaces, not tabs"


def test_text_starting_with_a_reserved_character_gets_the_quote_hint():
    _, problems = parse("title: @handle said\n")
    assert (problems.items[0].mark.line, problems.items[0].mark.col) == (1, 8)
    assert "quote text" in problems.items[0].hint


def test_duplicate_keys_are_errors():
    node, problems = parse("title: a\ndate: 2023\ntitle: b\n")
    assert node is None
    (problem,) = problems
    assert problem.message == "duplicate key 'title' (first written at line 1)"
    assert (problem.mark.line, problem.mark.col) == (3, 1)


def test_aliases_are_refused():
    _, problems = parse("a: &x [1, 2]\nb: *x\n")
    (problem,) = problems
    assert "anchors and aliases" in problem.message
    assert problem.mark.line == 2


def test_alias_bomb_is_refused_quickly_in_bounded_memory():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 12):
        prev = chr(ord("a") + n - 1)
        name = chr(ord("a") + n)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    assert len(text) < 700  # a few hundred bytes that would expand to 9**12 nodes
    tracemalloc.start()
    started = time.perf_counter()
    node, problems = parse(text)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert node is None
    assert problems and all("aliases" in p.message for p in problems)
    assert len(problems) <= 12 * 9  # one per alias written, not per expansion
    assert peak < 5_000_000 and elapsed < 2


def test_python_tags_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    text = f"title: !!python/object/apply:os.system ['touch {marker}']\n"
    node, problems = parse(text)
    assert node is None
    assert "YAML tag '!!python/object/apply:os.system' is not allowed" in problems.items[0].message
    assert not marker.exists()


def test_custom_tags_are_refused():
    _, problems = parse("title: !secret x\n")
    assert "tag '!secret'" in problems.items[0].message


def test_empty_file():
    _, problems = parse("# only a comment\n")
    assert problems.items[0].message == "file is empty"


def test_non_utf8_file_reports_position(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("title: ok\nplace: Tikhor\xe9tsk\n".encode("latin-1"))
    problems = Problems()
    assert yamlio.load(path, problems) is None
    (problem,) = problems
    assert problem.message.startswith("file is not UTF-8 text")
    assert (problem.mark.line, problem.mark.col) == (2, 14)
    assert "UTF-8" in problem.hint


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufefftitle: ok\n".encode("utf-8"))
    problems = Problems()
    node = yamlio.load(path, problems)
    assert not problems and node.get("title").value == "ok"


def test_files_over_5_mb_are_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (5 * 1024 * 1024) + b"\n")
    problems = Problems()
    assert yamlio.load(path, problems) is None
    assert problems.items[0].message.startswith("file is too large")


def test_unreadable_file(tmp_path):
    problems = Problems()
    assert yamlio.load(tmp_path / "missing.yaml", problems) is None
    assert problems.items[0].message.startswith("cannot read file")


def test_sequence_and_scalar_roots():
    node, _ = parse("- a\n- b\n")
    assert isinstance(node, Sequence) and [i.value for i in node.items] == ["a", "b"]
    node, _ = parse("just text\n")
    assert isinstance(node, Scalar)
