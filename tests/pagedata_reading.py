"""The page data as tests read it: the compact document pagedata.page_data writes (its docstring
has the format), decoded here independently of the page script into plain columns: events.geo
null | place index | [lat, lon] | {"route": n}, routes [{mode, approximate, path}],
until counted from the timeline's start, and kind, confidence and span as numbers."""
from __future__ import annotations

import copy

# The page's data as the page has it, before its script reads it.
PAGE_JSON = "JSON.parse(document.getElementById('storymap-data').textContent)"


def decoded(data: dict) -> dict:
    data = copy.deepcopy(data)
    events, places = data["events"], data["places"]
    routes = _routes(data)
    points = iter(zip(events["points"]["lat"], events["points"]["lon"], strict=True))
    numbered, place_numbers = iter(range(len(routes))), iter(events["place"])
    read = {"0": lambda: None, "1": lambda: next(place_numbers, "missing"), "2": lambda: list(next(points)),
            "3": lambda: {"route": next(numbered)}}
    geo = [read[digit]() for digit in events["geo"]]
    assert next(points, None) is None and next(numbered, None) is None, "every point and route is an event's"
    assert next(place_numbers, None) is None and "missing" not in geo, "one place number for each event at one"
    assert all(isinstance(n, int) and n < len(places["kind"]) for n in geo if not isinstance(n, list | dict | None))
    ids, before = [], ""
    for text in events["id"]:
        before = before[:int(text[0], 36)] + text[1:]
        ids.append(before)
    events.update(id=ids, geo=geo, kind=[int(d) for d in events["kind"]], confidence=[int(d) for d in events["confidence"]],
                  span=[int(d) for d in events["span"]],
                  until=[None if days is None else start + days for start, days in zip(events["from"], events["until"])])
    del events["points"], events["place"], data["paths"]
    data["routes"] = routes
    return data


def _routes(data: dict) -> list[dict]:
    paths, places = data["paths"], data["places"]
    coordinates = iter(zip(paths["lat"], paths["lon"], strict=True))
    vertices, lines = iter(paths["vertices"]), []
    for size in paths["sizes"]:
        line = []
        for _ in range(size):
            n = next(vertices)
            line.append(list(next(coordinates)) if n == -1 else [places["lat"][n], places["lon"][n]])
        lines.append(line)
    assert next(vertices, None) is None and next(coordinates, None) is None
    table, routes = data["routes"], []
    new_lines = iter(range(len(lines)))
    for mode, approximate, n in zip(table["mode"], table["approximate"], table["path"], strict=True):
        n = next(new_lines) if n == -1 else n
        routes.append({"mode": data["modes"][int(mode)], "approximate": approximate == "1",
                       "path": lines[n]})
    assert next(new_lines, None) is None, "every path is a route's"
    return routes


def read_page_data(page) -> dict:
    """The page data of the page open in a Playwright page, decoded."""
    return decoded(page.evaluate(PAGE_JSON))
