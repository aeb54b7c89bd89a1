"""Journalists' Markdown to safe HTML: raw HTML off, links only to http(s).

An inline image becomes a plain link: images belong in an event's media list,
where alt text is required.
"""
from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup

_WEB_LINK = re.compile(r"^https?://", re.IGNORECASE)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["html_inline", "html_block"])
    # A link to anything but http(s) (javascript:, data:, relative paths) stays plain text.
    md.validateLink = lambda url: bool(_WEB_LINK.match(url.strip()))  # type: ignore[method-assign]
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image_as_link)
    return md


def _render_link_open(self, tokens, idx, options, env):
    tokens[idx].attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def _render_image_as_link(self, tokens, idx, options, env):
    """An inline image becomes a link to it, labelled with its alt text."""
    token = tokens[idx]
    label = self.renderInlineAsText(token.children or [], options, env) or token.attrGet("src")
    return (f'<a href="{escapeHtml(token.attrGet("src") or "")}" rel="noopener noreferrer">'
            f"{escapeHtml(label)}</a>")


def block(text: str | None) -> Markup:
    """A description: paragraphs, lists, emphasis and links."""
    return Markup(_parser().render(text or "").strip())


def inline(text: str | None) -> Markup:
    """A summary: one paragraph's worth of inline Markdown."""
    return Markup(_parser().renderInline(text or "").strip())


def plain(text: str | None) -> str:
    """The text without Markdown marks, for meta descriptions and feeds."""
    tokens = _parser().parseInline(text or "")
    words = [child.content for token in tokens for child in (token.children or [])
             if child.type in ("text", "code_inline")]
    return re.sub(r"\s+", " ", "".join(words)).strip()
