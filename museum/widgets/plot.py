"""Live metric curves, drawn in braille dots by hand.

textual-plotext drew these first, but one plotext redraw cost 25–50 ms of the UI loop here
(plotext builds an ANSI string and Rich parses it back), enough to be felt as a late key while
a lab trains. Drawing the same lines straight into braille cells costs about a millisecond, so
the plot can follow every update. The history is already downsampled by the lab loop (at most
512 points a metric), so a long run costs the same as a short one.
"""

from __future__ import annotations

import math
from itertools import groupby

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from museum.i18n import pick

COLORS = ("cyan", "dark_orange", "green", "magenta")
# braille dot bits by (column, row) inside a 2×4 cell
DOTS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))


def number(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1e5 else f"{value:.1e}"


def value_range(curves: list[list[tuple[float, float]]]) -> tuple[float, float]:
    values = [v for curve in curves for _, v in curve]
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if high - low < 1e-12:
        pad = abs(high) * 0.1 or 0.5
        low, high = low - pad, high + pad
    return low, high


def chart_text(curves: list[list[tuple[float, float]]], width: int, height: int) -> Text:
    """Curves of (step, value) points as a ``width`` × ``height`` braille chart with axes."""
    low, high = value_range(curves)
    labels = [number(high), number(low)]
    gutter = max(len(s) for s in labels) + 1
    cols, rows = max(1, width - gutter), max(1, height - 1)
    px_w, px_h = cols * 2, rows * 4
    steps = [s for curve in curves for s, _ in curve]
    first, last = (min(steps), max(steps)) if steps else (0, 1)
    span = (last - first) or 1

    masks = [[0] * cols for _ in range(rows)]
    owner = [[-1] * cols for _ in range(rows)]

    def dot(x: int, y: int, series: int) -> None:
        col, row = x // 2, y // 4
        masks[row][col] |= DOTS[x % 2][y % 4]
        owner[row][col] = series

    for series, curve in enumerate(curves):
        pixels = [
            (round((s - first) / span * (px_w - 1)),
             round((high - v) / (high - low) * (px_h - 1)))
            for s, v in curve
        ]
        for (x0, y0), (x1, y1) in zip(pixels, pixels[1:]):
            n = max(abs(x1 - x0), abs(y1 - y0), 1)
            for i in range(n + 1):
                dot(x0 + round((x1 - x0) * i / n), y0 + round((y1 - y0) * i / n), series)
        if len(pixels) == 1:
            dot(*pixels[0], series)

    text = Text(no_wrap=True, overflow="crop")
    for r in range(rows):
        label = labels[0] if r == 0 else labels[1] if r == rows - 1 else ""
        text.append(f"{label:>{gutter - 1}}", "dim")
        text.append("┤" if label else "│", "dim")
        # one append per run of cells in one colour, not one per cell: a row becomes a few
        # spans instead of dozens, and the spans are most of what painting it costs
        cells = zip(masks[r], owner[r])
        for who, run in groupby(cells, key=lambda cell: cell[1] if cell[0] else -1):
            dots = "".join(chr(0x2800 + mask) if mask else " " for mask, _ in run)
            text.append(dots, COLORS[who % len(COLORS)] if who >= 0 else None)
        text.append("\n")
    axis_left, axis_right = f"{first:,}", f"{last:,}"
    fill = max(1, cols - len(axis_left) - len(axis_right))
    text.append(" " * gutter + axis_left + " " * fill + axis_right, "dim")
    return text


class Chart(Widget):
    DEFAULT_CSS = "Chart { height: 1fr; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.curves: list[list[tuple[float, float]]] = []

    def show(self, curves: list[list[tuple[float, float]]]) -> None:
        self.curves = curves
        self.refresh()

    def render(self) -> Text:
        return chart_text(self.curves, self.size.width, self.size.height)


class MetricPlot(Vertical):
    DEFAULT_CSS = """
    MetricPlot { height: 1fr; min-height: 5; }
    MetricPlot > .legend { height: 1; }
    """

    def __init__(self, series: dict[str, dict], lang: str = "en", **kwargs):
        super().__init__(**kwargs)
        self.series = series
        self.lang = lang

    def compose(self) -> ComposeResult:
        legend = Text(no_wrap=True, overflow="ellipsis")
        for i, label in enumerate(self.series.values()):
            legend.append("── ", COLORS[i % len(COLORS)])
            legend.append(pick(label, self.lang) + "  ")
        yield Static(legend, classes="legend")
        yield Chart()

    def show(self, history: dict) -> None:
        curves = []
        for name in self.series:
            steps, values = history.get(name, ([], []))
            curves.append([(s, v) for s, v in zip(steps, values) if math.isfinite(v)])
        self.query_one(Chart).show(curves)
