"""Greyscale images as characters: each pixel two cells wide, so it looks square.

The shade ramp reads without colour; with colour, each cell also gets a grey background.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

RAMP = " ░▒▓█"


def shade(value: float) -> str:
    """0..1 -> one character of the ramp."""
    if value != value:  # NaN
        return "?"
    index = int(round(max(0.0, min(1.0, value)) * (len(RAMP) - 1)))
    return RAMP[index]


def grey(value: float) -> Style:
    level = int(40 + 200 * max(0.0, min(1.0, value)))
    return Style(color=f"rgb({level},{level},{level})")


def image_text(pixels, vmin: float | None = None, vmax: float | None = None) -> Text:
    """A 2-D sequence of numbers -> Rich Text, two cells per pixel."""
    rows = [list(map(float, row)) for row in pixels]
    flat = [v for row in rows for v in row if v == v]
    lo = min(flat) if vmin is None and flat else (vmin or 0.0)
    hi = max(flat) if vmax is None and flat else (vmax if vmax is not None else 1.0)
    span = (hi - lo) or 1.0
    text = Text(no_wrap=True, overflow="crop")
    for i, row in enumerate(rows):
        for value in row:
            v = (value - lo) / span
            text.append(shade(v) * 2, grey(v))
        if i < len(rows) - 1:
            text.append("\n")
    return text


class BlockImage(Widget):
    """A small greyscale image (a digit, a filter, an RBM sample)."""

    DEFAULT_CSS = "BlockImage { width: auto; height: auto; }"

    def __init__(self, pixels=None, vmin=None, vmax=None, **kwargs):
        super().__init__(**kwargs)
        self._args = (pixels or [[0.0]], vmin, vmax)

    def show(self, pixels, vmin=None, vmax=None) -> None:
        self._args = (pixels, vmin, vmax)
        self.refresh(layout=True)

    def render(self) -> Text:
        return image_text(*self._args)

    def get_content_width(self, container, viewport) -> int:
        return 2 * max((len(row) for row in self._args[0]), default=1)

    def get_content_height(self, container, viewport, width) -> int:
        return max(1, len(self._args[0]))
