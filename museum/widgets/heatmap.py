"""A heatmap of characters with row and column labels, legible without colour."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from museum.widgets.blocks import grey, shade


def heatmap_text(
    values: Sequence[Sequence[float]],
    rows: Sequence[str] = (),
    cols: Sequence[str] = (),
    cell_width: int = 2,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Text:
    data = [list(map(float, r)) for r in values]
    flat = [v for r in data for v in r if v == v]
    lo = (min(flat) if flat else 0.0) if vmin is None else vmin
    hi = (max(flat) if flat else 1.0) if vmax is None else vmax
    span = (hi - lo) or 1.0
    label_width = max((cell_len(r) for r in rows), default=0)
    text = Text(no_wrap=True, overflow="crop")
    if cols:
        text.append(" " * (label_width + 1 if rows else 0))
        for c in cols:
            label = c[:cell_width] if cell_len(c) <= cell_width else c[: max(1, cell_width // 2)]
            text.append(label + " " * max(0, cell_width - cell_len(label)), "dim")
        text.append("\n")
    for i, row in enumerate(data):
        if rows:
            label = rows[i] if i < len(rows) else ""
            text.append(" " * (label_width - cell_len(label)) + label + " ", "dim")
        for value in row:
            v = (value - lo) / span
            text.append(shade(v) * cell_width, grey(v))
        if i < len(data) - 1:
            text.append("\n")
    return text


class Heatmap(Widget):
    DEFAULT_CSS = "Heatmap { width: auto; height: auto; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._args: tuple = ([[0.0]], (), (), 2, None, None)

    def show(self, values, rows=(), cols=(), cell_width=2, vmin=None, vmax=None) -> None:
        self._args = (values, rows, cols, cell_width, vmin, vmax)
        self.refresh(layout=True)

    def render(self) -> Text:
        return heatmap_text(*self._args)

    def get_content_width(self, container, viewport) -> int:
        return max((cell_len(line) for line in self.render().plain.splitlines()), default=1)

    def get_content_height(self, container, viewport, width) -> int:
        return max(1, len(self.render().plain.splitlines()))
