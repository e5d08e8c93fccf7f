"""Let a removed widget's rendered lines go: a work-around for Textualize/textual#6665.

Textual (8.2.8 here) caches ``StylesCache.get_inner_outer`` with ``functools.lru_cache`` on the
method, so the cache's keys hold ``self``: the last 1,024 ``StylesCache`` objects stay alive, and
each keeps the rendered lines (``Strip`` objects, seven small caches each) of a widget that is
long gone. Every screen the museum builds leaves its widgets' caches there. Measured in this
app, 16 exhibit switches kept 306 of them and ~120,000 small caches alive; the UI process grew
in a soak, and each full garbage collection had all of it to walk (50-210 ms pauses, felt as
keys answered late).

The method reads only its two colours, so the same answer is cached here by the colours alone.
``install`` does nothing once Textual's own method is no longer an ``lru_cache`` wrapper (the
bug fixed upstream, or the code moved); a test checks that the patch is either needed and
applied, or not needed.
"""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style

_original = StylesCache.__dict__.get("get_inner_outer")


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return _original.__wrapped__(None, base_background, background)


def _get_inner_outer(self, base_background: Color, background: Color) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def needed() -> bool:
    """Whether this Textual still caches the method with its instance in the key."""
    return hasattr(_original, "cache_info") and hasattr(_original, "__wrapped__")


def install() -> None:
    if needed():
        StylesCache.get_inner_outer = _get_inner_outer
