"""Addresses and embed code for sharing a story: the site's URLs, the iframe an
editor pastes into an article and the host script that fits its height.

With --base-url every address is absolute, as social sites, CMSs and feed
readers need; without it they stay relative (to the site or the story's folder).
"""
from __future__ import annotations

from functools import lru_cache

from markupsafe import escape

from storymap.model import StoryModel
from storymap.render.assets import STATIC

EMBED_WIDTH, EMBED_HEIGHT = 800, 600
HOST_SCRIPT_FILE = STATIC / "embed" / "host.js"


def site_url(base_url: str | None, path: str) -> str:
    return (base_url.rstrip("/") + "/" + path) if base_url else path


def story_url(model: StoryModel, base_url: str | None, name: str) -> str:
    """A file of the story: absolute under --base-url, else relative to the story's folder."""
    return site_url(base_url, f"{model.story.id}/{name}") if base_url else name


def embed_iframe(model: StoryModel, base_url: str | None, relative_to_story: bool = True) -> str:
    """The iframe code an editor pastes into an article."""
    src = site_url(base_url, f"{model.story.id}/embed.html") if base_url else (
        "embed.html" if relative_to_story else f"{model.story.id}/embed.html")
    return (f'<iframe src="{escape(src)}" title="{escape(model.story.title)}" width="100%" '
            f'height="{EMBED_HEIGHT}" style="border:0;max-width:100%" loading="lazy" '
            f'allow="fullscreen" referrerpolicy="strict-origin-when-cross-origin" data-storymap></iframe>')


@lru_cache(maxsize=1)
def host_script() -> str:
    """static/embed/host.js as the one-line <script> element pasted after the iframe: its
    // lines dropped and the rest joined without a break (docs/publishing.md quotes its hash)."""
    lines = HOST_SCRIPT_FILE.read_text("utf-8").splitlines()
    return "<script>" + "".join(line for line in lines if line and not line.startswith("//")) + "</script>"


def embed_code(model: StoryModel, base_url: str | None) -> str:
    """What an editor pastes into an article: the iframe, and the script that fits its height."""
    return embed_iframe(model, base_url) + "\n" + host_script()
