"""The journalists' docs (docs/*.md) stay true to the program.

Every message in the catalog has its own section in docs/errors.md and no
section describes a message that does not exist; every field the validator
declares is documented; every `python build.py ...` command shown exists with
the options used; every complete YAML example is a valid story, event or places
file; relative links between the docs lead somewhere. README.md has at most 100
lines, and neither it nor the docs point outside the repository; docs/development.md
names every folder and module of the package.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from storymap import messages
from storymap.render import schema
from storymap.source import validate, yamlio
from storymap.cli import main
from storymap.errors import Problems
from storymap.source.fields import Context, ListOf, Record

from .conftest import REPO, as_editors_read

DOCS = REPO / "docs"
DOC_FILES = sorted(DOCS.glob("*.md"))
FIELD_DOCS = ("writing-a-story.md", "places-and-routes.md")
EXAMPLE_DOCS = ("writing-a-story.md", "places-and-routes.md")
RECORDS = (validate.STORY, validate.EVENT, validate.PLACE, validate.SOURCE, validate.MEDIA, validate.ROUTE,
           validate.MAP, validate.TIMELINE, validate.CORRECTION, validate.COORDINATES)


# --- reading Markdown -----------------------------------------------------------

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")


def split_markdown(text: str) -> tuple[str, list[tuple[str, str, int]]]:
    """(prose with code blocks blanked out, [(info, code, first line number)]) of a Markdown text."""
    prose: list[str] = []
    blocks: list[tuple[str, str, int]] = []
    open_fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        if open_fence is None:
            match = FENCE.match(line)
            if match:
                open_fence = (match["fence"], len(match["indent"]), match["info"].strip(), number + 1, [])
                prose.append("")
            else:
                prose.append(line)
            continue
        fence, indent, info, first, lines = open_fence
        if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
            blocks.append((info, "\n".join(lines) + "\n", first))
            open_fence = None
        else:
            lines.append(line[indent:] if line[:indent].strip() == "" else line.lstrip())
        prose.append("")
    assert open_fence is None, f"a code block opened at line {open_fence[3] - 1} is never closed"
    return "\n".join(prose), blocks


def code_spans(prose: str) -> list[str]:
    """Inline code as CommonMark reads it: a run of n backticks up to the next run of exactly n."""
    spans, at = [], 0
    while True:
        start = prose.find("`", at)
        if start < 0:
            return spans
        run = len(prose[start:]) - len(prose[start:].lstrip("`"))
        closing = re.compile(r"(?<!`)`{%d}(?!`)" % run).search(prose, start + run)
        if closing is None:
            at = start + run
            continue
        spans.append(" ".join(prose[start + run:closing.start()].split()))
        at = closing.end()


def docs_text(name: str) -> str:
    return (DOCS / name).read_text("utf-8")


def prose_of(path: Path) -> str:
    return split_markdown(path.read_text("utf-8"))[0]


def headings(path: Path, level: int) -> list[str]:
    marks = "#" * level
    return [line[level + 1:].rstrip() for line in prose_of(path).splitlines() if line.startswith(marks + " ")]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.replace("`", "").lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for line in prose_of(path).splitlines():
        match = re.match(r"^(#{1,6}) (.+?)\s*$", line)
        if not match:
            continue
        base = slug(match[2])
        out.add(base if base not in seen else f"{base}-{seen[base]}")
        seen[base] = seen.get(base, 0) + 1
    return out


# --- errors.md: one section per message ---------------------------------------------

def test_docs_folder_has_the_pages():
    names = {p.name for p in DOC_FILES}
    assert {"README.md", "getting-started.md", "writing-a-story.md", "places-and-routes.md", "timeline.md",
            "errors.md", "publishing.md"} <= names


def test_every_message_has_exactly_one_section_in_errors_md():
    raw = headings(DOCS / "errors.md", 3)
    # In code spans, so GitHub shows <value> instead of swallowing it as an HTML tag.
    plain = [h for h in raw if not (len(h) > 2 and h[0] == h[-1] == "`")]
    assert not plain, f"docs/errors.md message headings must be `code`: {plain}"
    documented = [h[1:-1] for h in raw]
    expected = {messages.placeholder_text(m) for m in messages.MESSAGES.values()}
    twice = sorted({h for h in documented if documented.count(h) > 1})
    assert not twice, f"headings written twice in docs/errors.md: {twice}"
    missing = sorted(expected - set(documented))
    unknown = sorted(set(documented) - expected)
    assert not missing, f"messages without a section in docs/errors.md: {missing}"
    assert not unknown, f"sections in docs/errors.md for messages that do not exist: {unknown}"


def test_errors_md_groups_messages_under_level_2_headings():
    text = prose_of(DOCS / "errors.md")
    first_message = text.index("\n### ")
    assert "\n## " in text[:first_message], "messages must be grouped under ## headings"


# --- fields ------------------------------------------------------------------------

@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.name)
def test_every_field_is_documented(record: Record):
    text = "\n".join(docs_text(name) for name in FIELD_DOCS)
    missing = [f.name for f in record.fields if f"`{f.name}`" not in text]
    assert not missing, f"fields of {record.name} not written as `name` in {' or '.join(FIELD_DOCS)}: {missing}"


# --- commands ----------------------------------------------------------------------

COMMAND = re.compile(r"(?:^|[\s(])(?:\S*/)?python3?\s+build\.py(?=\s|$)(?P<rest>.*)$")


def shown_commands() -> list[tuple[str, str]]:
    """(where, text after 'build.py') for every `python build.py ...` in code blocks and inline code."""
    found = []
    for path in [*DOC_FILES, REPO / "README.md"]:
        prose, blocks = split_markdown(path.read_text("utf-8"))
        snippets = [(f"{path.name}:{first + n}", line) for _, code, first in blocks
                    for n, line in enumerate(code.splitlines())]
        snippets += [(f"{path.name} (inline)", span) for span in code_spans(prose)]
        for where, snippet in snippets:
            match = COMMAND.search(snippet)
            if match:
                found.append((where, match["rest"]))
    return found


def _option(command: click.Command, name: str) -> click.Parameter | None:
    for param in command.params:
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def command_path(rest: str, where: str) -> list[str]:
    """Walk the words after build.py through the click commands; fail on an unknown command or option."""
    try:
        words = shlex.split(rest, comments=True)
    except ValueError as error:
        pytest.fail(f"{where}: cannot split the command line {rest!r}: {error}")
    command: click.Command = main
    path: list[str] = []
    index = 0
    while index < len(words):
        word = words[index].strip("[]")
        index += 1
        if word in ("", "|", "...", "-h", "--help"):
            continue
        if word.startswith("-"):
            name, _, inline_value = word.partition("=")
            option = _option(command, name)
            shown = " ".join(["build.py", *path])
            assert option is not None, f"{where}: `{shown}` has no option {name}"
            if not option.is_flag and not inline_value:
                assert index < len(words), f"{where}: {name} needs a value"
                inline_value = words[index]
                index += 1
            if isinstance(option.type, click.Choice) and not inline_value.startswith(("<", "$")):
                choices = [c for c in inline_value.strip("[]").split("|") if c]
                unknown = [c for c in choices if c not in option.type.choices]
                assert not unknown, f"{where}: {name} does not accept {unknown}"
            continue
        if isinstance(command, click.Group):
            assert word in command.commands, f"{where}: no command `{' '.join(['build.py', *path, word])}`"
            command = command.commands[word]
            path.append(word)
        # otherwise an argument of the command (a story id, a title, a sheet)
    return path


SHOWN = shown_commands()


def test_docs_show_commands():
    paths = {" ".join(command_path(rest, where)) for where, rest in SHOWN}
    for expected in ("", "check", "serve", "new story", "new event", "import"):
        assert expected in paths, f"the docs never show `python build.py {expected}`"


@pytest.mark.parametrize("where, rest", SHOWN, ids=[f"{w}: build.py{r}"[:90] for w, r in SHOWN])
def test_shown_command_exists(where: str, rest: str):
    path = command_path(rest, where)
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, f"{where}: build.py {' '.join(path)} --help failed:\n{result.output}"


# --- YAML examples -----------------------------------------------------------------

MARKER = re.compile(r"^#\s*example:\s*(event|story|places)\s*$", re.MULTILINE)
SCHEMAS = schema.schemas()




def _is_event(item) -> bool:
    return isinstance(item, dict) and "title" in item and "sources" in item


def _is_place(item) -> bool:
    return isinstance(item, dict) and {"id", "name", "kind", "lat", "lon"} <= set(item)


def example_kind(code: str, document) -> str | None:
    """event, story or places for a complete example file; None for a fragment."""
    marker = MARKER.search(code)
    if marker:
        return marker[1]
    if isinstance(document, dict) and {"title", "summary", "published"} <= set(document):
        return "story"
    if _is_event(document) or (isinstance(document, list) and document and all(map(_is_event, document))):
        return "event"
    if isinstance(document, list) and document and all(map(_is_place, document)):
        return "places"
    return None


def yaml_examples() -> list[tuple[str, str, str]]:
    out = []
    for name in EXAMPLE_DOCS:
        for info, code, first in split_markdown(docs_text(name))[1]:
            if info.split()[:1] != ["yaml"]:
                continue
            try:
                document = yaml.load(code, Loader=yaml.BaseLoader)
            except yaml.YAMLError:
                continue  # test_yaml_blocks_are_yaml reports it
            kind = example_kind(code, document)
            if kind:
                out.append((f"{name}:{first}", kind, code))
    return out


EXAMPLES = yaml_examples()


def test_yaml_blocks_are_yaml():
    for name in EXAMPLE_DOCS:
        for info, code, first in split_markdown(docs_text(name))[1]:
            if info.split()[:1] == ["yaml"]:
                problems = Problems()
                yamlio.parse(code, f"{name}:{first}", problems)
                assert not problems, "\n".join(p.as_text() for p in problems)


def test_docs_have_complete_examples():
    kinds = [kind for _, kind, _ in EXAMPLES]
    assert kinds.count("story") >= 1 and kinds.count("event") >= 4 and kinds.count("places") >= 1, kinds


@pytest.mark.parametrize("where, kind, code", EXAMPLES, ids=[f"{w} {k}" for w, k, _ in EXAMPLES])
def test_example_matches_the_schema(where: str, kind: str, code: str):
    document = as_editors_read(yaml.load(code, Loader=yaml.BaseLoader))
    validator = jsonschema.Draft202012Validator(SCHEMAS[f"{kind}.schema.json"])
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    assert error is None, (f"{where}: the {kind} example does not match {kind}.schema.json at "
                           f"{list(error.absolute_path)}: {error.message[:300]}")


@pytest.mark.parametrize("where, kind, code", EXAMPLES, ids=[f"{w} {k}" for w, k, _ in EXAMPLES])
def test_example_passes_the_checker(where: str, kind: str, code: str):
    """The program's own rules too (the schema cannot see e.g. an end before a start)."""
    problems = Problems()
    node = yamlio.parse(code, where, problems)
    assert node is not None, [p.as_text() for p in problems]
    ctx = Context(problems, default_id="example")
    if kind == "story":
        validate.STORY.read(node, ctx)
    elif kind == "places":
        ListOf(validate.PLACE).read(node, ctx)
    elif isinstance(node, yamlio.Sequence):
        for item in node.items:
            validate.EVENT.read(item, ctx)
    else:
        validate.EVENT.read(node, ctx)
    assert not problems, "\n".join(p.as_text() for p in problems)


# --- links -------------------------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def relative_links() -> list[tuple[Path, str]]:
    out = []
    for path in [*DOC_FILES, REPO / "README.md"]:
        prose = prose_of(path)
        for span in code_spans(prose):
            prose = prose.replace(f"`{span}`", "")
        for target in LINK.findall(prose):
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                out.append((path, target))
    return out


LINKS = relative_links()


def test_docs_link_to_each_other():
    assert any(path.parent == DOCS for path, _ in LINKS)


@pytest.mark.parametrize("path, target", LINKS, ids=[f"{p.name} -> {t}" for p, t in LINKS])
def test_relative_link_leads_somewhere(path: Path, target: str):
    file_part, _, anchor = target.partition("#")
    destination = (path.parent / file_part).resolve() if file_part else path
    assert destination.exists(), f"{path.name}: link to {target}, but {file_part} does not exist"
    if anchor and destination.suffix == ".md":
        assert anchor in anchors(destination), f"{path.name}: link to {target}, but {destination.name} " \
                                               f"has no heading with that anchor"


def test_index_lists_every_page():
    index = docs_text("README.md")
    for path in DOC_FILES:
        if path.name != "README.md":
            assert f"({path.name})" in index, f"docs/README.md does not link to {path.name}"


# --- README.md and development.md ---------------------------------------------------

README = REPO / "README.md"
PACKAGE = REPO / "storymap"
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def package_list() -> str:
    """The code block of docs/development.md that lists the package (it starts with `storymap/`)."""
    blocks = [code for _, code, _ in split_markdown(docs_text("development.md"))[1] if code.startswith("storymap/")]
    assert len(blocks) == 1, "docs/development.md lists the package in one code block starting with storymap/"
    return blocks[0]


def names(text: str, name: str) -> bool:
    """Whether text names a file or folder whole (files.py is not named by routefiles.py)."""
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", text) is not None


def test_readme_is_read_in_a_minute():
    lines = README.read_text("utf-8").splitlines()
    assert len(lines) <= 100, f"README.md has {len(lines)} lines; the rest belongs in docs/"


def test_readme_and_docs_point_nowhere_outside_the_repository():
    for path in [README, *DOC_FILES]:
        assert "shared/" not in path.read_text("utf-8"), f"{path.name} points to shared/, outside the repository"
    for path, target in LINKS:
        destination = (path.parent / target.partition("#")[0]).resolve()
        assert destination.is_relative_to(REPO), f"{path.name}: link to {target} leaves the repository"
    away = [target for target in LINK.findall(prose_of(README)) if SCHEME.match(target)]
    assert not away, f"README.md links outside the repository: {away}"


def test_development_md_lists_every_folder_and_module_of_the_package():
    listed = package_list()
    folders = [p for p in PACKAGE.rglob("*") if p.is_dir() and "__pycache__" not in p.parts]
    modules = [p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts]
    missing = sorted(str(p.relative_to(PACKAGE)) + "/" for p in folders if not names(listed, p.name + "/"))
    missing += sorted(str(p.relative_to(PACKAGE)) for p in modules if not names(listed, p.name))
    assert not missing, f"docs/development.md's list of storymap/ does not name: {missing}"
    existing = {p.name for p in modules}
    stale = sorted(set(re.findall(r"[\w]+\.py\b", listed)) - existing)
    assert not stale, f"docs/development.md names modules that do not exist: {stale}"
