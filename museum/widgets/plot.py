"""Live metric curves (textual-plotext), redrawn at most twice a second and only when seen.

One plotext redraw costs 25–50 ms of the UI loop on these machines, so the plot keeps a dirty
flag and a slow timer instead of redrawing on every update. The history it draws is already
downsampled by the lab loop, so a run of 100k steps costs the same as one of 100.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual_plotext import PlotextPlot

from museum.i18n import pick

COLORS = ("cyan", "orange", "green", "magenta")
REDRAW_SECONDS = 0.5


class MetricPlot(Vertical):
    DEFAULT_CSS = """
    MetricPlot { height: 1fr; min-height: 5; }
    MetricPlot > .legend { height: 1; }
    MetricPlot > PlotextPlot { height: 1fr; }
    """

    def __init__(self, series: dict[str, dict], lang: str = "en", **kwargs):
        super().__init__(**kwargs)
        self.series = series
        self.lang = lang
        self._history: dict = {}
        self._dirty = False
        self._drawn = False

    def compose(self) -> ComposeResult:
        legend = Text(no_wrap=True, overflow="ellipsis")
        for i, label in enumerate(self.series.values()):
            legend.append("── ", COLORS[i % len(COLORS)])
            legend.append(pick(label, self.lang) + "  ")
        yield Static(legend, classes="legend")
        yield PlotextPlot()

    def on_mount(self) -> None:
        self.set_interval(REDRAW_SECONDS, self._redraw_if_needed)

    def show(self, history: dict) -> None:
        """Take new data; the first lot is drawn at once, later ones by the slow timer."""
        self._history = history
        self._dirty = True
        if not self._drawn:
            self._redraw_if_needed()

    def _redraw_if_needed(self) -> None:
        if not self._dirty or not self.is_mounted or not self.display or not self.children:
            return
        self._dirty = False
        self._drawn = True
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        for i, name in enumerate(self.series):
            steps, values = self._history.get(name, ([], []))
            points = [(s, v) for s, v in zip(steps, values) if math.isfinite(v)]
            if points:
                xs, ys = zip(*points)
                plt.plot(list(xs), list(ys), color=COLORS[i % len(COLORS)], marker="braille")
        plot.refresh()
