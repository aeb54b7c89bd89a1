"""Field types: how one YAML value is read, checked and described.

Each type turns a node into a value or records a Problem, and describes
itself as JSON Schema, so validation and the published schemas come from the
same declarations.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Final, Generic, Literal, TypeAlias, TypeVar

from storymap.errors import Problems, did_you_mean
from storymap.messages import PLACEHOLDER_DATE_HINT
from storymap.model import PartialDate
from storymap.source.dateguess import date_hint
from storymap.source.yamlio import Mapping, Node, Scalar, Sequence, describe_kind

if TYPE_CHECKING:
    from storymap.source.filecache import Dependencies


class Invalid(Enum):
    """A value that failed to read; its problem is already recorded. An enum of one member,
    so that `value is INVALID` narrows a Result[T] to T for the type checker."""

    INVALID = "INVALID"

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = Invalid.INVALID
T = TypeVar("T")
Result: TypeAlias = T | Literal[Invalid.INVALID]  # what reading a field gives: its value, or INVALID

ID_PATTERN = re.compile(r"^[a-z0-9-]{1,80}$")
# What the build writes at the top of the site (site.render_site: index.html, feed.xml, schema/,
# assets/, favicon.ico) and the preview server's prefix: a story folder of one of these names
# would overwrite the site's own files. tests/test_hostile_files.py keeps this in step with the build.
RESERVED_STORY_IDS = frozenset({"index", "feed", "schema", "assets", "favicon", "__storymap"})
# ASCII digits only: Python's \d, int() and float() also take Arabic-Indic or full-width ones.
DATE_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
FIRST_YEAR, LAST_YEAR = 1000, 9999  # the spec's years: four digits, and a year the page's dates can show
# A decimal number as people write one: float() would also read "4_2" as 42.
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
NOT_FINITE = re.compile(r"[+-]?\.?(?:nan|inf|infinity)", re.IGNORECASE)  # as YAML (.inf) or Python (inf) write it


@dataclass
class Context:
    """What reading one file needs beyond its nodes."""

    problems: Problems
    story_dir: Path | None = None  # media paths are checked inside it
    places: dict | None = None  # id -> Place, to check place references
    route_ids: set[str] | None = None  # files found in data/routes
    default_id: str | None = None  # an event's id when the file does not give one
    media_read: dict = field(default_factory=dict)  # resolved path -> Media checked: each image read once
    language: str | None = None  # the story's language: date hints read month names in it as well as English
    deps: Dependencies | None = None  # records what reading looked at beside the file (filecache.py)


# What `new event` writes where the journalist must fill in a date: a problem until replaced,
# never read as a date (nor guessed at as one).
PLACEHOLDER_DATES = frozenset({"YYYY-MM-DD", "YYYY-MM", "YYYY"})


class FieldType(Generic[T]):
    """Base: a scalar, read by each subclass's parse(); lists and records read their own nodes."""

    description = "text"

    def read(self, node: Node, ctx: Context) -> Result[T]:
        if not isinstance(node, Scalar) or node.is_null:
            ctx.problems.add(node.mark, "wrong-shape", expected=self.description, found=describe_kind(node))
            return INVALID
        return self.parse(node, ctx)

    def parse(self, node: Scalar, ctx: Context) -> Result[T]:
        raise NotImplementedError(f"{type(self).__name__} reads no scalar")

    def schema(self) -> dict:
        return {"type": "string"}


@dataclass(frozen=True)
class Placeholder:
    """Text `new event` writes for the journalist to replace: a problem, with this hint, until it is."""

    text: str
    hint: str


class Text(FieldType[str]):
    def __init__(self, max_length: int | None = None, placeholder: Placeholder | None = None):
        self.max_length = max_length
        self.placeholder = placeholder

    def parse(self, node: Scalar, ctx: Context) -> Result[str]:
        text = node.value.strip()
        if not text:
            ctx.problems.add(node.mark, "blank-text")
            return INVALID
        if self.placeholder and text == self.placeholder.text:
            ctx.problems.add(node.mark, "placeholder", self.placeholder.hint, value=text)
            return INVALID
        if self.max_length and len(text) > self.max_length:
            ctx.problems.add(node.mark, "text-too-long", length=len(text), limit=self.max_length)
            return INVALID
        return text

    def schema(self) -> dict:
        # Editors read `title: 1984` as a number; the build reads every scalar as text.
        return {"type": ["string", "number"], "minLength": 1,
                **({"maxLength": self.max_length} if self.max_length else {})}


class Markdown(Text):
    description = "Markdown text"


class Identifier(FieldType[str]):
    description = "an id (lowercase letters, digits and -)"

    def parse(self, node: Scalar, ctx: Context) -> Result[str]:
        if not ID_PATTERN.fullmatch(node.value):  # match() would let "id\n" through its `$`
            suggestion = re.sub(r"[^a-z0-9-]+", "-", node.value.lower()).strip("-")[:80]
            ctx.problems.add(node.mark, "bad-id", f"for example '{suggestion}'" if suggestion else "",
                             value=node.value)
            return INVALID
        return node.value

    def schema(self) -> dict:
        # An id of digits only (`id: 2023`) is a number to an editor; pattern applies to strings only.
        return {"type": ["string", "integer"], "pattern": ID_PATTERN.pattern, "minimum": 0}


class Choice(FieldType[str]):
    """One value of a vocabulary of the model (an enum), read as that enum's member."""

    def __init__(self, vocabulary: type[StrEnum], only: tuple[StrEnum, ...] | None = None):
        self.vocabulary = vocabulary
        # only: the values a journalist may write, when the model has more (a route's path "file")
        self.choices = tuple(member.value for member in (vocabulary if only is None else only))
        self.description = "one of " + ", ".join(self.choices)

    def parse(self, node: Scalar, ctx: Context) -> Result[str]:
        if node.value not in self.choices:
            ctx.problems.add(node.mark, "bad-choice", did_you_mean(node.value, self.choices) or None,
                             value=node.value, choices=", ".join(self.choices))
            return INVALID
        return self.vocabulary(node.value)

    def schema(self) -> dict:
        return {"enum": list(self.choices)}


class Flag(FieldType[bool]):
    description = "true or false"

    def parse(self, node: Scalar, ctx: Context) -> Result[bool]:
        word = node.value.lower()
        if word in ("true", "false"):
            return word == "true"
        ctx.problems.add(node.mark, "bad-flag", value=node.value)
        return INVALID

    def schema(self) -> dict:
        return {"type": "boolean"}


class Number(FieldType[float]):
    """A decimal number. One too large for a float (1e400) reads as infinity, never NaN: the
    record's range check then refuses it with the message 1e308 gets (coordinates do)."""

    description = "a number"

    def parse(self, node: Scalar, ctx: Context) -> Result[float]:
        text = node.value.strip()
        if NOT_FINITE.fullmatch(text):
            ctx.problems.add(node.mark, "not-finite", value=node.value)
            return INVALID
        if not DECIMAL.fullmatch(text):
            hint = "write the number without _ between its digits" if "_" in text else None
            ctx.problems.add(node.mark, "bad-number", hint, value=node.value)
            return INVALID
        return float(text)

    def schema(self) -> dict:
        return {"type": "number"}


class Integer(FieldType[int]):
    def __init__(self, low: int, high: int):
        self.low, self.high = low, high
        self.description = f"a whole number from {low} to {high}"

    def parse(self, node: Scalar, ctx: Context) -> Result[int]:
        digits = node.value.lstrip("+-").lstrip("0")
        # int() refuses more than 4,300 digits with an exception; 19 already exceed any range here.
        if not re.fullmatch(r"[+-]?[0-9]+", node.value) or len(digits) > 18 or \
                not self.low <= int(node.value) <= self.high:
            ctx.problems.add(node.mark, "bad-whole-number", low=self.low, high=self.high, value=node.value)
            return INVALID
        return int(node.value)

    def schema(self) -> dict:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


class DateValue(FieldType[PartialDate | dt.date]):
    """An ISO date; with allow_partial, also YYYY-MM (a month) and YYYY (a year). approximate_key:
    the field's key when its record has `approximate`, so a hint may propose it for "mid-August 2023"."""

    def __init__(self, allow_partial: bool, approximate_key: str | None = None):
        self.allow_partial = allow_partial
        self.approximate_key = approximate_key
        self.description = "a date (YYYY-MM-DD, YYYY-MM or YYYY)" if allow_partial else "a date (YYYY-MM-DD)"

    def parse(self, node: Scalar, ctx: Context) -> Result[PartialDate | dt.date]:
        written = node.value.strip()
        if written.upper() in PLACEHOLDER_DATES:
            ctx.problems.add(node.mark, "placeholder", PLACEHOLDER_DATE_HINT, value=written)
            return INVALID
        match = DATE_PATTERN.fullmatch(written)
        if not match:
            ctx.problems.add(node.mark, "bad-date", self._hint(written, ctx), value=node.value)
            return INVALID
        year = int(match[1])
        month, day = (int(g) if g else None for g in match.groups()[1:])
        if year < FIRST_YEAR:
            ctx.problems.add(node.mark, "year-range", value=node.value, first=FIRST_YEAR, last=LAST_YEAR)
            return INVALID
        try:
            dt.date(year, month or 1, day or 1)
        except ValueError:
            ctx.problems.add(node.mark, "impossible-date", self._hint(written, ctx), value=node.value)
            return INVALID
        if day is None and not self.allow_partial:
            ctx.problems.add(node.mark, "date-needs-day", value=node.value)
            return INVALID
        date = PartialDate(year, month, day)
        return date if self.allow_partial else date.first_day()

    def _hint(self, written: str, ctx: Context) -> str | None:
        """The ISO form the text most likely means; else the generic hint (the message's own, or a day's)."""
        if ctx.deps is not None:
            ctx.deps.language = (ctx.language,)
        return date_hint(written, ctx.language, self.allow_partial, self.approximate_key) or \
            (None if self.allow_partial else "write the date as YYYY-MM-DD, e.g. 2023-10-05")

    def schema(self) -> dict:
        if not self.allow_partial:
            return {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
        # `date: 2023` (a year) is a number to an editor.
        return {"type": ["string", "integer"], "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
                "minimum": 1000, "maximum": 9999}


class WebAddress(FieldType[str]):
    description = "an http(s) address"

    def parse(self, node: Scalar, ctx: Context) -> Result[str]:
        url = node.value.strip()
        if not re.match(r"^https?://[^\s/]+", url, re.IGNORECASE):
            ctx.problems.add(node.mark, "bad-url", value=url)
            return INVALID
        return url

    def schema(self) -> dict:
        return {"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"}


class Custom(FieldType[Any]):
    """A scalar checked by a function returning (value, None, None), or (None, problem code, hint or None)."""

    def __init__(self, description: str, check: Callable[[str], tuple[Any, str | None, str | None]],
                 schema: dict):
        self.description = description
        self._check = check
        self._schema = schema

    def parse(self, node: Scalar, ctx: Context) -> Result[Any]:
        text = node.value.strip()
        value, code, hint = self._check(text)
        if code:
            ctx.problems.add(node.mark, code, hint, value=text)
            return INVALID
        return value

    def schema(self) -> dict:
        return dict(self._schema)


class ListOf(FieldType[tuple[T, ...]]):
    def __init__(self, item: FieldType[T], min_items: int = 0):
        self.item = item
        self.min_items = min_items
        self.description = "a list"

    def read(self, node: Node, ctx: Context) -> Result[tuple[T, ...]]:
        if not isinstance(node, Sequence):
            ctx.problems.add(node.mark, "wrong-shape", self._list_hint(node), expected="a list",
                             found=describe_kind(node))
            return INVALID
        if len(node.items) < self.min_items:
            ctx.problems.add(node.mark, "list-too-short", count=self.min_items)
            return INVALID
        values = [self.item.read(item, ctx) for item in node.items]
        read = [v for v in values if v is not INVALID]
        return tuple(read) if len(read) == len(values) else INVALID

    def _list_hint(self, node: Node) -> str:
        written = node.value if isinstance(node, Scalar) and not node.is_null else ""
        if isinstance(self.item, Record):  # sources: CSIS -> one mapping per item, not [CSIS]
            first = next(f.name for f in self.item.fields if f.required) if any(
                f.required for f in self.item.fields) else self.item.fields[0].name
            return f"write each item on its own line as '- {first}: {written or '...'}' with its other keys below"
        return f"write [{written}]" if written else "write one '- item' line per item"

    def schema(self) -> dict:
        out: dict[str, Any] = {"type": "array", "items": self.item.schema()}
        if self.min_items:
            out["minItems"] = self.min_items
        return out


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType[Any]
    required: bool = False
    doc: str = ""


@dataclass
class Record(FieldType[T]):
    """A mapping with declared keys; build() turns the checked values into a model object."""

    name: str
    fields: tuple[Field, ...]
    build: Callable[[dict[str, Any], Mapping, Context], Result[T]]
    doc: str = ""
    extra_schema: dict = field(default_factory=dict)

    @property
    def description(self) -> str:  # type: ignore[override]
        return f"a mapping ({self.name})"

    def read(self, node: Node, ctx: Context) -> Result[T]:
        if not isinstance(node, Mapping):
            ctx.problems.add(node.mark, "wrong-shape", "write it as 'key: value' lines", expected=self.description,
                             found=describe_kind(node))
            return INVALID
        declared = {f.name: f for f in self.fields}
        before = len(ctx.problems)
        values: dict[str, Any] = {}
        for key, value_node in node.items:
            spec = declared.get(key.value)
            if spec is None:
                hint = did_you_mean(key.value, declared) or f"the keys of {self.name} are: {', '.join(declared)}"
                ctx.problems.add(key.mark, "unknown-key", hint, key=key.value, record=self.name)
                continue
            values[key.value] = spec.type.read(value_node, ctx)
        for spec in self.fields:
            if spec.required and spec.name not in values:
                ctx.problems.add(node.mark, "missing-key", spec.doc and f"{spec.name}: {spec.doc}",
                                 key=spec.name, record=self.name)
        result = self.build(values, node, ctx)
        return INVALID if len(ctx.problems) > before else result

    def schema(self) -> dict:
        out: dict[str, Any] = {"type": "object"}
        if self.doc:
            out["description"] = self.doc
        out["properties"] = {}
        for spec in self.fields:
            prop = spec.type.schema()
            if spec.doc:
                prop = {"description": spec.doc, **prop}
            out["properties"][spec.name] = prop
        required = [f.name for f in self.fields if f.required]
        if required:
            out["required"] = required
        out["additionalProperties"] = False
        out.update(self.extra_schema)
        return out


def present(values: dict[str, Any], *names: str) -> bool:
    """All the named keys were given and read without problems."""
    return all(n in values and values[n] is not INVALID for n in names)
