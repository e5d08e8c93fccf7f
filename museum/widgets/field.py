"""A 2-D field: labelled points over a decision region, drawn in characters.

Cells are about twice as tall as wide, so a square data range gets twice as many columns as
rows. Readable without colour: the positive region is dotted, classes are ``o`` and ``x``,
the point just presented is marked with ``◉``/``⊗``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby
from operator import itemgetter

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget

from museum.widgets.live import LiveText

POSITIVE_BG = Style(bgcolor="rgb(20,45,80)")
NEGATIVE_BG = Style(bgcolor="rgb(70,30,30)")
POSITIVE_PT = Style(color="rgb(120,190,255)", bold=True)
NEGATIVE_PT = Style(color="rgb(255,140,120)", bold=True)
CURRENT = Style(reverse=True, bold=True)


def render_field(
    width: int,
    height: int,
    points: Sequence[Sequence[float]],
    labels: Sequence[int],
    region: Callable[[float, float], float] | None = None,
    bounds: tuple[float, float, float, float] = (-1.0, 1.0, -1.0, 1.0),
    current: int = -1,
) -> Text:
    """``region(x, y)`` > 0 is the positive side; ``bounds`` = (xmin, xmax, ymin, ymax)."""
    xmin, xmax, ymin, ymax = bounds
    width, height = max(2, width), max(2, height)

    def centre(col: int, row: int) -> tuple[float, float]:
        x = xmin + (col + 0.5) * (xmax - xmin) / width
        y = ymax - (row + 0.5) * (ymax - ymin) / height
        return x, y

    cells = [[(" ", Style()) for _ in range(width)] for _ in range(height)]
    if region is not None:
        for row in range(height):
            for col in range(width):
                value = region(*centre(col, row))
                cells[row][col] = ("·", POSITIVE_BG) if value > 0 else (" ", NEGATIVE_BG)
    for index, ((x, y), label) in enumerate(zip(points, labels)):
        col = int((x - xmin) / (xmax - xmin) * width)
        row = int((ymax - y) / (ymax - ymin) * height)
        if not (0 <= col < width and 0 <= row < height):
            continue
        background = cells[row][col][1]
        positive = label > 0
        if index == current:
            glyph, style = ("◉" if positive else "⊗"), background + CURRENT
        else:
            glyph = "o" if positive else "x"
            style = background + (POSITIVE_PT if positive else NEGATIVE_PT)
        cells[row][col] = (glyph, style)
    text = Text(no_wrap=True, overflow="crop")
    for row, line in enumerate(cells):
        # one append per run of cells in one style, not one per cell: a row of a region is
        # a few spans instead of one per cell, and the spans are what painting it costs
        for style, run in groupby(line, key=itemgetter(1)):
            text.append("".join(glyph for glyph, _ in run), style)
        if row < height - 1:
            text.append("\n")
    return text


class Field(Widget):
    """Points and a decision region, filling the widget's size."""

    DEFAULT_CSS = "Field { width: auto; height: 1fr; min-height: 6; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._points: list = []
        self._labels: list = []
        self._region = None
        self._bounds = (-1.0, 1.0, -1.0, 1.0)
        self._current = -1

    def show(self, points, labels, region=None, bounds=None, current: int = -1) -> None:
        self._points, self._labels, self._region = list(points), list(labels), region
        self._bounds = bounds or self._bounds
        self._current = current
        self.refresh()

    # Leave this much of the row to whatever stands beside the field (a panel of numbers).
    BESIDE = 30

    def get_content_width(self, container, viewport) -> int:
        square = 2 * container.height  # square data in cells twice as tall as wide
        return max(16, min(square, container.width - self.BESIDE))

    def render(self) -> Text:
        width = self.size.width
        height = min(self.size.height, max(2, width // 2))  # keep the data square
        return render_field(
            width, height, self._points, self._labels, self._region, self._bounds, self._current
        )


def line_region(w1: float, w2: float, b: float) -> Callable[[float, float], float]:
    """The side of the line w1·x + w2·y + b = 0; on the line counts as the negative side,
    as the perceptron rule counts a zero score as a mistake."""

    def region(x: float, y: float) -> float:
        value = w1 * x + w2 * y + b
        return value if value != 0 else -1.0

    return region


class FieldPanel(Horizontal):
    """A field and, beside it, a panel of text about what it shows."""

    DEFAULT_CSS = """
    FieldPanel > .panel { width: 1fr; margin-left: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Field()
        yield LiveText(classes="panel")

    def show(self, points, labels, panel: RenderableType, **field_args) -> None:
        self.query_one(Field).show(points, labels, **field_args)
        self.query_one(".panel", LiveText).update(panel)
