"""Full garbage collections while the visitor is not pressing keys.

Python starts a full (oldest-generation) collection whenever enough objects have survived the
younger ones, which in the UI is at any moment: measured in the key benchmark, 16-18 of them
a minute, each 50-210 ms, and a key pressed meanwhile waited that long (the worst key times
were these pauses). Screens are rebuilt as the visitor moves, and a discarded screen is a web
of widgets that only the cyclic collector frees, so the collections cannot simply stop.

So the UI process decides when: the automatic full collection is switched off, and one runs
when the last key is at least ``IDLE`` seconds old and a full collection is due (as many
younger collections since the last full one as Python's own threshold would have allowed).
Keys pressed without a pause never let memory grow unbounded: after ``OVERDUE`` times the usual
number of younger collections it runs anyway. Once, a second after start, the objects alive
then (modules, classes, the stylesheet) are frozen out of every later full collection, which
makes each of them shorter; ``stop`` gives them back to the collector.

A screen the visitor leaves is most of the garbage, and during a run of moves (→ → →, never a
half-second pause) it piled up until the overdue limit forced one long collection: 110-240 ms
for three or four screens, and a key pressed then waited that long. So a screen that goes says
so (``screen_left``), and the next screen, once painted, has it collected (``after_paint``):
the visitor has their answer on screen and is reading it, and one screen's garbage takes
about 30-45 ms to collect.
"""

from __future__ import annotations

import gc
import time

IDLE = 0.5  # seconds without a key before a full collection may run
CHECK = 0.5  # how often to look
OVERDUE = 3  # run anyway after this many times the usual count of younger collections
NEVER = 1 << 30


class QuietCollector:
    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self.last_key = clock()
        self.started = self.last_key
        self.frozen = False
        self._thresholds = gc.get_threshold()
        self._due = self._thresholds[2]  # Python's own: full after this many gen-1 collections
        self.screens_left = 0  # screens gone since the last full collection

    def start(self, app) -> None:
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, NEVER)
        app.set_interval(CHECK, self.check, name="quiet-collector")

    def stop(self) -> None:
        gc.set_threshold(*self._thresholds)
        if self.frozen:
            gc.unfreeze()
            self.frozen = False

    def key_pressed(self) -> None:
        self.last_key = self.clock()

    def since_key(self) -> float:
        """Seconds since the last key (the exhibit screen, too, lets keys go first)."""
        return self.clock() - self.last_key

    def screen_left(self) -> None:
        self.screens_left += 1

    def after_paint(self) -> None:
        """A screen has just been painted: collect the screens that went before it."""
        if self.screens_left and self.frozen:
            self._collect()

    def _collect(self) -> None:
        gc.collect()
        self.screens_left = 0

    def check(self) -> None:
        now = self.clock()
        pending = gc.get_count()[2]  # gen-1 collections since the last full one
        idle = now - self.last_key >= IDLE
        if not self.frozen and idle and now - self.started >= 1.0:
            self._collect()
            gc.freeze()
            self.frozen = True
        elif (idle and (pending >= self._due or self.screens_left)) or (
            pending >= self._due * OVERDUE
        ):
            self._collect()
