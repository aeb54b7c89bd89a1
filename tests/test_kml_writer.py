"""data.kml's placemarks are written by exports._xml, not ElementTree's indent and tostring
(three times as fast at 10,000 events): the text must be the same to the byte."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from storymap import pipeline
from storymap.render import exports

from .conftest import REPO

TRICKY = ['a & b < c > d "e" \'f\'', "line\nbreak\ttab\rreturn", "", " ", "plain", "&amp; already"]


def _element_tree(element: ET.Element, level: int) -> str:
    ET.indent(element, space=" ", level=level)
    return ET.tostring(element, encoding="unicode")


def _ours(element: ET.Element, level: int) -> str:
    out: list[str] = []
    exports._xml(element, "\n" + " " * level, out)
    return "".join(out)


def _tree(text: str) -> ET.Element:
    root = ET.Element("Placemark", id=text, other="x")
    ET.SubElement(root, "name").text = text
    ET.SubElement(root, "empty")
    data = ET.SubElement(ET.SubElement(root, "ExtendedData"), "Data", name=text)
    ET.SubElement(data, "value").text = text
    ET.SubElement(ET.SubElement(ET.SubElement(root, "deep"), "er"), "est").text = "1"
    return root


def test_tricky_text_and_attributes_as_elementtree_writes_them():
    for text in TRICKY:
        for level in (0, 1, 4):
            assert _ours(_tree(text), level) == _element_tree(_tree(text), level), (text, level)


def test_the_example_storys_placemarks_as_elementtree_writes_them():
    result = pipeline.check(REPO / "stories", REPO / "data")
    assert not result.problems
    placed = [(t, m.story.language) for m in result.models for t in m.events if t.geometry is not None]
    assert placed
    for timed, language in placed:
        assert exports.kml_placemark(timed, language) == _element_tree(exports._kml_event(timed, language),
                                                                       exports.KML_EVENT_LEVEL)
