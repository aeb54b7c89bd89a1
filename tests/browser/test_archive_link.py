"""A source with an archived copy: the page links it as "archived copy (17 Oct 2023)", the day read
from the copy's address and written in the page's language; a copy whose address has no day
(archive.today's short ones) is just "archived copy". In the event list and in the details alike."""
from __future__ import annotations

import textwrap
from urllib.parse import urlparse

import pytest

from storymap import pipeline

from .conftest import CSP_LISTENER, serve, wait_until

WAYBACK = "https://web.archive.org/web/20231017093000/https://example.org/depot"
SHORT = "https://archive.ph/AbCdE"

EVENTS = f"""\
- id: depot-photo
  title: Railcars at the depot
  date: 2023-10-05
  at: {{lat: 45.89, lon: 40.04}}
  sources:
    - publisher: Example Observatory
      title: Railcars at the depot
      url: https://example.org/depot
      archive: {WAYBACK}
    - publisher: Example Wire
      url: https://example.org/wire
      archive: {SHORT}
"""


@pytest.fixture(scope="module")
def archived_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("archived")
    for story_id, language in (("archived-en", "en"), ("archived-de", "de")):
        folder = root / "stories" / story_id
        (folder / "events").mkdir(parents=True)
        (folder / "story.yaml").write_text(textwrap.dedent(f"""\
            title: Archived sources
            summary: Sources with archived copies.
            published: 2023-10-18
            language: {language}
            """), "utf-8")
        (folder / "events" / "events.yaml").write_text(EVENTS, "utf-8")
    (root / "data").mkdir()
    result = pipeline.build(root / "stories", root / "data", root / "site")
    assert not result.problems, [p.as_text() for p in result.problems]
    server = serve(root / "site")
    yield server
    server.httpd.shutdown()


@pytest.fixture
def open_story(browser, archived_site):
    contexts = []

    def opener(story_id: str):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        context.add_init_script(CSP_LISTENER)
        context.route("**/*", lambda route: route.continue_() if urlparse(route.request.url).hostname == "127.0.0.1"
                      else route.abort())
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{archived_site.url}{story_id}/")
        wait_until(page, "typeof window.storymap === 'object' && window.storymap !== null")
        return page, errors

    yield opener
    for context in contexts:
        context.close()


@pytest.mark.parametrize("story_id, dated", [("archived-en", "archived copy (17 Oct 2023)"),
                                             ("archived-de", "archivierte Kopie (17. Okt. 2023)")])
def test_an_archived_copy_is_linked_with_its_day(open_story, story_id, dated):
    page, errors = open_story(story_id)
    plain = dated.split(" (")[0]
    for where in ("#event-depot-photo .event-sources", ".leaflet-popup-content .event-sources"):
        if where.startswith(".leaflet"):
            page.evaluate("storymap.focus('depot-photo')")
        sources = page.locator(where)
        links = sources.locator("a.source-archive")
        assert links.count() == 2, where
        assert links.nth(0).inner_text() == dated and links.nth(0).get_attribute("href") == WAYBACK
        assert links.nth(1).inner_text() == plain and links.nth(1).get_attribute("href") == SHORT
    assert page.evaluate("window.__cspViolations") == [] and errors == []
