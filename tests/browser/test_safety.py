"""A story whose every text field carries HTML and script payloads builds, shows them as text, runs nothing."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["xss-story/", "xss-story/embed.html", ""])
def test_payloads_run_nothing(open_page, path):
    page, _ = open_page("xss", path, wait_ready=bool(path))
    if path:
        page.evaluate("storymap.focus('payload-one')")
        page.evaluate("storymap.focus('payload-two')")
        page.evaluate("storymap.focus('payload-three')")
        page.evaluate("storymap.setDate('2023-10-10')")
    page.mouse.move(10, 10)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.locator("a[href^='javascript'], a[href^='data:'], [onerror], [onload], [onmouseover], [onclick]").count() == 0
    # No inline script runs (the CSP): the one without src is the page's JSON data, never executed.
    assert page.locator("script:not([src])").evaluate_all("nodes => nodes.map(n => n.type)") == \
        (["application/json"] if path else [])


def test_payloads_are_shown_literally(open_page):
    page, _ = open_page("xss", "xss-story/")
    title = "</script><script>window.__xss='title'</script> {{ 7*7 }} ${window.__xss='tpl'}"
    assert page.locator("h1").inner_text() == title
    assert page.title() == title
    assert "49" not in page.locator("h1").inner_text()
    one = page.locator("#event-payload-one")
    assert one.locator(".event-title").inner_text() == "</script><script>window.__xss='event-title'</script>"
    assert "[click me](javascript:window.__xss='description-link')" in one.inner_text()
    assert "<img src=x onerror=" in one.inner_text()
    assert one.locator("img").get_attribute("alt") == "\" onerror=\"window.__xss='alt'"
    assert "<script>window.__xss='correction'</script>" in page.locator(".corrections").inner_text()
    page.evaluate("storymap.focus('payload-one')")
    assert page.locator(".leaflet-popup-content .event-title").inner_text() == \
        "</script><script>window.__xss='event-title'</script>"
    data = page.evaluate("JSON.parse(document.getElementById('storymap-data').textContent)")
    assert data["places"]["name"][0].startswith("</script><script>")
    assert "title" not in data["events"]  # titles are in the event list only, which the page reads
    titles = page.evaluate("""Object.fromEntries([...document.querySelectorAll('.event-list li.event')]
      .map(li => [li.dataset.id, li.querySelector('.event-title').textContent]))""")
    assert "\u2028" in titles["payload-two"] and "\u2029" in titles["payload-two"]
    first = page.evaluate("storymap.setDate('2023-01-01'), storymap.next()")  # the walk's caption: from the list
    assert page.locator(".timeline-caption-title").text_content() == titles[first]
    assert page.evaluate("window.__xss") is None
