"""An 8×8 drawing grid worked from the keyboard (no torch, no lab: only the visitor's pixels).

While focused it owns arrows, space, enter and every printable key (``CAPTURES_KEYS``), so
space paints instead of running the lab and ``q`` does not quit; ``escape`` hands focus back
to the exhibit's view, and a second ``escape`` leaves the exhibit. The cursor stops at the
edges, so nothing can be drawn outside the grid.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from museum.widgets.blocks import RAMP, grey

SIZE, INK = 8, 16
SHADES = {"1": 4, "2": 8, "3": 12, "4": 16}  # keys 1–4: the data's 0..16 in four steps
MOVES = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
PASS = {"escape", "tab", "shift+tab"}  # keys the grid leaves to the screen


def grid_text(pixels: list[int], cursor: tuple[int, int] | None, pen: bool) -> Text:
    """Two cells per pixel; blank pixels as a dot lattice so the grid's extent shows."""
    text = Text(no_wrap=True, overflow="crop")
    for r in range(SIZE):
        for c in range(SIZE):
            v = pixels[r * SIZE + c]
            if cursor == (r, c):
                mark = "<>" if pen else "[]"
                text.append(mark, "reverse bold")
            elif v == 0:
                text.append("· ", "dim")
            else:  # 1..16 -> ░▒▓█, never blank: any ink shows
                level = max(1, round(v / INK * (len(RAMP) - 1)))
                text.append(RAMP[level] * 2, grey(v / INK))
        if r < SIZE - 1:
            text.append("\n")
    return text


class DrawGrid(Widget, can_focus=True):
    CAPTURES_KEYS = True
    DEFAULT_CSS = "DrawGrid { width: 16; height: 8; }"

    class Changed(Message):
        """The visitor changed the drawing (``pixels``: 64 ints 0..16)."""

        def __init__(self, pixels: list[int]) -> None:
            super().__init__()
            self.pixels = pixels

    class Sample(Message):
        """The visitor asked for the next held-out digit on the grid."""

    class Leave(Message):
        """Escape: the view takes focus back."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.pixels = [0] * (SIZE * SIZE)
        self.cursor = (3, 3)
        self.pen = False  # pen down: every move paints where it lands

    def set_pixels(self, pixels: list[int]) -> None:
        """From the lab (a held-out digit); not a visitor's change."""
        if list(pixels) != self.pixels:
            self.pixels = list(pixels)
            self.refresh()

    def render(self) -> Text:
        return grid_text(self.pixels, self.cursor if self.has_focus else None, self.pen)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _paint(self, value: int) -> None:
        r, c = self.cursor
        self.pixels[r * SIZE + c] = value
        self.post_message(self.Changed(list(self.pixels)))

    def on_key(self, event: events.Key) -> None:
        key = event.key
        if key in PASS or (key.startswith("ctrl+") and key not in ("ctrl+h",)):
            if key == "escape":
                event.stop()
                event.prevent_default()
                self.post_message(self.Leave())
            return  # tab moves focus, ctrl+q quits, ctrl+p opens the palette
        event.stop()
        event.prevent_default()
        r, c = self.cursor
        if key in MOVES:
            dr, dc = MOVES[key]
            # clamp: the cursor stops at the edge instead of leaving the grid
            self.cursor = (min(SIZE - 1, max(0, r + dr)), min(SIZE - 1, max(0, c + dc)))
            if self.pen:
                self._paint(INK)
        elif key in ("space", "enter"):
            self._paint(0 if self.pixels[r * SIZE + c] else INK)
        elif event.character in SHADES:
            self._paint(SHADES[event.character])
        elif event.character == "0" or key in ("backspace", "delete", "ctrl+h"):
            self._paint(0)
        elif event.character == "p":
            self.pen = not self.pen
            if self.pen:
                self._paint(INK)
        elif event.character == "x":
            self.pixels = [0] * (SIZE * SIZE)
            self.post_message(self.Changed(list(self.pixels)))
        elif event.character == "s":
            self.post_message(self.Sample())
        self.refresh()  # anything else printable is swallowed: it must not quit or reset
