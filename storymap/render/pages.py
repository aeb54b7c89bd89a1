"""The HTML pages: a story's page, its embed, its event-list pages, and the site index.

The event list is the map's text alternative and what readers without
JavaScript read, so the server renders it. A long story's list is split into
pages of LIST_PAGE_SIZE events: the story page carries the first, the others
are events-<n>.html beside it (plain pages that work without JavaScript, which
the page script also loads to swap the list in place). A story of up to that
many events, which is nearly every story, keeps its whole list on one page.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import jinja2
from markupsafe import Markup, escape

from storymap import i18n
from storymap.model import Source, StoryModel, TimedEvent
from storymap.preview import picture
from storymap.render import basefiles, basemaps, markdown, pagedata, share
from storymap.render.assets import asset_url, versioned_url
from storymap.render.map import map_skeleton, view_bounds
from storymap.render.policy import content_security_policy, map_page_policy

# 100 entries (about 4 KB gzipped at 10,000 events, against 19 KB for 500) keep the story page
# light on a phone: every entry is parsed and laid out before the map is ready.
LIST_PAGE_SIZE = 100
PAGER_REACH = 2  # the pager's numbers either side of the page's own (ListPage.pager)
# folium's map set-up, a file beside the story's pages rather than an inline script (the CSP).
MAP_SCRIPT = "map.js"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The templates under storymap/templates, autoescaped, with the Markdown filters."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("storymap", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # package files: no need to look at each one's time at every use
    )
    env.filters["md_block"] = markdown.block
    env.filters["md_inline"] = markdown.inline
    env.filters["plain"] = markdown.plain
    return env


@dataclass(frozen=True)
class SourceView:
    publisher: str
    title: str | None
    url: str | None
    date: str | None
    archive: str | None
    archived: str | None = None  # the day the archived copy was made, as the page's language writes it


@dataclass(frozen=True)
class EventView:
    timed: TimedEvent
    label: str
    sources: tuple[SourceView, ...]
    media: tuple[tuple[str, str, str | None], ...]  # (address of the copy, alt, credit)
    length: str | None = None  # a route's length, e.g. "about 200 km by sea" (the details copy it)

    @property
    def event(self):
        return self.timed.event


@dataclass(frozen=True)
class ListPage:
    """One page of the event list."""

    number: int
    count: int  # how many list pages the story has
    items: Sequence[Markup]  # each event's entry (event_item)
    first: int  # 1-based position of its first event in the story
    total: int

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1

    @property
    def pager(self) -> list[int | None]:
        """The page numbers the pager links, None for a gap: the first, the last and PAGER_REACH
        either side of this one. A pager of every number was 1,000 links on each of a
        100,000-event story's 1,000 pages: a tenth of each page's bytes, and a build a sixth slower."""
        shown = sorted({1, self.count, *range(max(1, self.number - PAGER_REACH),
                                              min(self.count, self.number + PAGER_REACH) + 1)})
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number > (numbers[-1] or 0) + 1:
                # one number left out is shown rather than a gap of one
                numbers.append(number - 1 if number == (numbers[-1] or 0) + 2 else None)
            numbers.append(number)
        return numbers

    @staticmethod
    def href(number: int) -> str:
        return "index.html#events" if number == 1 else f"events-{number}.html"


@lru_cache(maxsize=4096)
def _source_view(source: Source, language: str) -> SourceView:
    date = i18n.format_partial(source.date, language) if source.date else None
    day = pagedata.archive_day(source.archive) if source.archive else None
    archived = i18n.format_day(day, language) if day else None
    return SourceView(source.publisher, source.title, source.url, date, source.archive, archived)


def event_views(model: StoryModel, events: Sequence[TimedEvent] | None = None) -> list[EventView]:
    """The list's view of each event (of `events`, a part of the story's, when given)."""
    language = model.story.language
    return [EventView(t, i18n.format_when(t.event.when, language),
                      tuple(_source_view(s, language) for s in t.event.sources),
                      tuple((m.output, m.alt, m.credit) for m in t.event.media), _length(t, language))
            for t in (model.events if events is None else events)]


def _length(timed: TimedEvent, language: str) -> str | None:
    geometry = timed.geometry
    if geometry is None or geometry.mode is None or geometry.length_km is None:
        return None
    return i18n.format_length(geometry.length_km, geometry.mode, language)


def list_page_count(model: StoryModel) -> int:
    return max(1, -(-len(model.events) // LIST_PAGE_SIZE))


def list_page_events(model: StoryModel, number: int) -> Sequence[TimedEvent]:
    """The events list page `number` (from 1) holds."""
    return model.events[(number - 1) * LIST_PAGE_SIZE:number * LIST_PAGE_SIZE]


def event_item(model: StoryModel, timed: TimedEvent) -> Markup:
    """One event's entry in the list, the same on every page that holds it: entries are made
    one by one so that serve's memo makes again only those of changed events. Written here
    rather than as a template: through Jinja each took about 100 us, a second of every cold build
    of 10,000 events; here 40. Every value is escaped as the templates' autoescape does."""
    view, = event_views(model, (timed,))
    text = i18n.texts(model.story.language)
    event = view.event
    anchor = escape(event.id)
    meta = (f'<time datetime="{escape(event.when.start.iso)}">{escape(view.label)}</time> · '
            f'<span class="event-confidence">{escape(text["confidence_" + str(event.confidence)])}</span>')
    if view.length:
        meta += f' · <span class="event-length">{escape(view.length)}</span>'
    if not view.timed.geometry:
        meta += f' · <span class="event-placeless">{escape(text["not_on_map"])}</span>'
    out = [f'<li class="event confidence-{escape(event.confidence)}" id="event-{anchor}" data-id="{anchor}">\n'
           f'<h3 class="event-title"><a href="#event={anchor}">{escape(event.title)}</a></h3>\n'
           f'<p class="event-meta">{meta}</p>\n']
    if event.description:
        out.append(f'<div class="event-description">{markdown.block(event.description)}</div>\n')
    for src, alt, credit in view.media:
        caption = f"<figcaption>{escape(text['credit'])}: {escape(credit)}</figcaption>" if credit else ""
        out.append(f'<figure class="event-media"><img src="{escape(src)}" alt="{escape(alt)}" loading="lazy" '
                   f'decoding="async">{caption}</figure>\n')
    out.append(f'<p class="event-sources">{escape(text["sources"] if len(view.sources) > 1 else text["source"])}:\n')
    last = len(view.sources) - 1
    out += [_source_item(source, text) + ("" if index == last else ";") + "\n"
            for index, source in enumerate(view.sources)]
    out.append("</p>\n</li>\n")
    return Markup("".join(out))


def _source_item(source: SourceView, text: Mapping[str, str]) -> str:
    """A source in an event's entry: publisher, title (linked to its url), date, archived copy."""
    out = f"<span class=\"source\"><cite>{escape(source.publisher)}</cite>"
    if source.title:
        title = escape(source.title)
        out += f', <a href="{escape(source.url)}" rel="noopener noreferrer">{title}</a>' if source.url \
            else f", “{title}”"
    elif source.url:
        url = escape(source.url)
        out += f', <a class="source-url" href="{url}" rel="noopener noreferrer">{url}</a>'
    if source.date:
        out += f", {escape(source.date)}"
    if source.archive:
        archived = f" ({escape(source.archived)})" if source.archived else ""
        out += (f', <a class="source-archive" href="{escape(source.archive)}" rel="noopener noreferrer">'
                f"{escape(text['archived_copy'])}{archived}</a>")
    return out + "</span>"


def list_page(model: StoryModel, number: int, items: Sequence[Markup] | None = None) -> ListPage:
    """List page `number`; `items`, when given, are its events' entries made before."""
    if items is None:
        items = [event_item(model, timed) for timed in list_page_events(model, number)]
    return ListPage(number, list_page_count(model), items, (number - 1) * LIST_PAGE_SIZE + 1, len(model.events))


def _story_context(model: StoryModel, base_url: str | None) -> dict:
    story = model.story
    language = story.language
    return {
        "story": story, "model": model, "t": i18n.strings(language), "root": "../",
        "asset": lambda name: asset_url(name, "../"),
        "format_day": lambda day: i18n.format_day(day, language),
        "embed_code": share.embed_code(model, base_url),
        "basemap_attribution": Markup("; ").join([Markup(basemaps.attribution_html(story.map.basemap)),
                                                  *model.map_credits]),  # the credits are text: escaped
        "share": _share(model, base_url),
        "csp": content_security_policy(),  # the event-list pages; the map pages' is wider
    }


def _share(model: StoryModel, base_url: str | None) -> dict:
    """Addresses and text for the Open Graph and Twitter cards, oEmbed discovery and the no-JS picture.

    Social sites and CMSs need absolute addresses, which --base-url gives; without
    it the picture and oEmbed links are relative to the page, a fallback.
    """
    story = model.story
    return {"url": share.site_url(base_url, f"{story.id}/") if base_url else None,
            "image": share.story_url(model, base_url, "preview.png"),
            "oembed": share.story_url(model, base_url, "oembed.json"),
            "image_alt": picture.alt_text(model), "width": picture.WIDTH, "height": picture.HEIGHT,
            "modified": model.last_changed if model.last_changed != story.published else None}


def _map_context(model: StoryModel, map_html: Markup, map_script: bytes,
                 rows: Sequence[pagedata.EventRow] | None) -> dict:
    story = model.story
    data = pagedata.page_data(model, rows)
    data["listPageSize"] = LIST_PAGE_SIZE
    box = view_bounds(model)
    data["view"] = {"center": [story.map.center.lat, story.map.center.lon] if story.map.center else None,
                    "zoom": story.map.zoom, "bounds": [list(box[0]), list(box[1])] if box else None}
    data["base"] = basefiles.page_index(model)  # the built-in base's files, fetched as the reader zooms
    return {"map_html": map_html, "map_script_url": versioned_url(MAP_SCRIPT, map_script),
            "page_json": Markup(pagedata.script_json(data)), "csp": map_page_policy(story.map.basemap)}


def story_files(model: StoryModel, base_url: str | None) -> dict[str, bytes]:
    """index.html, embed.html, events-<n>.html and map.js of one story, by file name."""
    files = map_page_files(model, base_url)
    for number in range(2, list_page_count(model) + 1):
        files[ListPage.href(number)] = list_page_file(model, number, base_url)
    return files


def map_page_files(model: StoryModel, base_url: str | None, first_items: Sequence[Markup] | None = None,
                   data_rows: Sequence[pagedata.EventRow] | None = None) -> dict[str, bytes]:
    """index.html and embed.html (with the page's data and the first list page) and map.js;
    first_items and data_rows: the first list page's entries and the events' page data, when
    made before (serve's memo)."""
    env = environment()
    map_html, map_script = map_skeleton(model)
    script = (map_script + "\n").encode("utf-8")
    with_map = {**_story_context(model, base_url), **_map_context(model, map_html, script, data_rows),
                "page": list_page(model, 1, first_items)}
    # The first list page, in both pages: rendered once (a hundred events' entries).
    with_map["list_html"] = Markup(env.get_template("partials/event_list.html").render(**with_map))
    return {"index.html": env.get_template("story.html").render(**with_map).encode("utf-8"),
            "embed.html": env.get_template("embed.html").render(**with_map).encode("utf-8"),
            MAP_SCRIPT: script}


def list_page_file(model: StoryModel, number: int, base_url: str | None,
                   items: Sequence[Markup] | None = None) -> bytes:
    """events-<number>.html, a list page after the first; items: its entries, when made before."""
    page = list_page(model, number, items)
    template = environment().get_template("event_page.html")
    return template.render(**_story_context(model, base_url), page=page).encode("utf-8")


def index_page(models: list[StoryModel], base_url: str | None) -> bytes:
    """Every story, newest first."""
    newest_first = sorted(models, key=lambda m: (m.story.published, m.story.id), reverse=True)
    template = environment().get_template("index.html")
    text = i18n.strings("en")
    return template.render(models=newest_first, t=text, root="", asset=lambda n: asset_url(n, ""),
                           csp=content_security_policy(),
                           format_day=lambda day, lang: i18n.format_day(day, lang),
                           base_url=base_url, picture={"width": picture.WIDTH, "height": picture.HEIGHT}
                           ).encode("utf-8")
