"""The training loop every runner shares: the child process, the in-process runner, `museum run`.

It owns the step counter, the claim bookkeeping, divergence, pacing and the metric history;
the lab owns only its model. Standard library only, so the UI may import it.
"""

from __future__ import annotations

import importlib
import queue
import time
import traceback
from collections.abc import Callable

from museum.lab.api import (
    DIVERGED,
    DONE,
    FAILED,
    PAUSED,
    RUNNING,
    Lab,
    MetricHistory,
    Update,
    finite,
)

# Steps per second, from watchable to flat out (0).
SPEEDS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 1000.0, 0.0)
EMIT_INTERVAL = 0.1  # at most ~10 updates a second reach the UI
BURST_SECONDS = 0.005  # flat out: how long to train between looks at the command queue


def resolve(path: str) -> type:
    """'package.module:Class' -> the class."""
    module_name, _, attr = path.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def trains(lab_class: type) -> bool:
    return getattr(lab_class, "trains", True)


def nearest_speed(speed: float) -> float:
    if speed <= 0:
        return 0.0
    return min((s for s in SPEEDS if s > 0), key=lambda s: abs(s - speed))


def shift_speed(speed: float, delta: int) -> float:
    index = SPEEDS.index(nearest_speed(speed)) + delta
    return SPEEDS[max(0, min(len(SPEEDS) - 1, index))]


class LabLoop:
    """Drives one lab: commands in, `Update`s out through ``emit``."""

    def __init__(
        self,
        lab_class: type,
        seed: int = 0,
        params: dict | None = None,
        device: str = "cpu",
        speed: float = 10.0,
        emit: Callable[[Update], None] | None = None,
    ):
        self.lab_class = lab_class
        self.params = dict(params or {})
        self.device = device
        self.speed = nearest_speed(speed)
        self.emit = emit or (lambda update: None)
        self.seed = seed
        self.stopped_by = ""
        self.reset(seed)

    # -- the model's side -------------------------------------------------------------
    def reset(self, seed: int) -> None:
        self.seed = seed
        self.step_count = 0
        self.metrics: dict = {}
        self.claim_ok = False
        self.claim_step: int | None = None
        self.error: str | None = None
        self.history = MetricHistory()
        self.state = PAUSED
        try:
            self.lab: Lab | None = self.lab_class(seed=seed, device=self.device, **self.params)
        except Exception:  # a lab that cannot start is shown, not raised into the UI
            self.lab = None
            self._fail()
            return
        if not trains(self.lab_class):
            self._check_claim()

    def advance(self) -> bool:
        """One step with its bookkeeping; False when the lab cannot go on."""
        if self.lab is None or self.state in (DIVERGED, FAILED):
            return False
        try:
            metrics = self.lab.step()
        except Exception:
            self._fail()
            return False
        self.step_count += 1
        self.metrics = {k: float(v) for k, v in metrics.items()}
        if not finite(self.metrics):
            self.state = DIVERGED
            self.error = "diverged"
            return False
        self.history.add(self.step_count, self.metrics)
        self._check_claim()
        if self.lab.done():
            self.state = DONE
            return False
        return True

    def _check_claim(self) -> None:
        if self.claim_ok or self.lab is None:
            return
        try:
            met = bool(self.lab.claim_met())
        except Exception:
            self._fail()
            return
        if met:
            self.claim_ok = True
            self.claim_step = self.step_count

    def _fail(self) -> None:
        self.state = FAILED
        self.error = traceback.format_exc(limit=-3).strip().splitlines()[-1]

    def update(self) -> Update:
        snapshot: dict = {}
        if self.lab is not None:
            try:
                snapshot = self.lab.snapshot()
            except Exception:
                self._fail()
        return Update(
            step=self.step_count, metrics=dict(self.metrics), snapshot=snapshot,
            state=self.state, claim_met=self.claim_ok, claim_step=self.claim_step,
            error=self.error, history=self.history.export(), seed=self.seed, speed=self.speed,
            trains=trains(self.lab_class),
        )

    # -- the visitor's side -----------------------------------------------------------
    def handle(self, message: tuple) -> bool:
        """Apply one command; False on quit or unload (the lab is being let go)."""
        name, *args = message
        if name in ("quit", "unload"):
            self.stopped_by = name
            return False
        if name == "run":
            if self.state == PAUSED and self.lab is not None:
                self.state = RUNNING
        elif name == "pause":
            if self.state == RUNNING:
                self.state = PAUSED
        elif name == "toggle":
            self.handle(("pause",) if self.state == RUNNING else ("run",))
        elif name == "step":
            if self.state == RUNNING:
                self.state = PAUSED
            if self.state == PAUSED:
                self.advance()
        elif name == "reset":
            self.reset(int(args[0]) if args else self.seed)
        elif name == "speed":
            self.speed = nearest_speed(float(args[0]))
        elif name == "command":
            if self.lab is not None:
                try:
                    self.lab.command(args[0], args[1])
                except ValueError as exc:  # a visitor's bad value: tell, keep going
                    self.error = str(exc) or type(exc).__name__
                else:
                    self.error = None if self.state not in (DIVERGED, FAILED) else self.error
                    self._check_claim()
        return True

    def serve(self, commands: queue.Queue[tuple]) -> str:
        """Pace the steps, watch the queue, emit updates; return "quit" or "unload"."""
        last_emit = 0.0
        emitted: tuple = (-1, "")
        next_due = time.monotonic()
        first = True
        while True:
            running = self.state == RUNNING
            now = time.monotonic()
            if running and self.speed > 0:
                timeout = max(0.0, min(next_due - now, EMIT_INTERVAL))
            elif running:
                timeout = 0.0
            else:
                timeout = EMIT_INTERVAL
            try:
                message = commands.get(timeout=timeout) if timeout > 0 else commands.get_nowait()
            except queue.Empty:
                message = None
            if message is not None:
                if not self.handle(message):
                    return self.stopped_by
                while not commands.empty():
                    if not self.handle(commands.get_nowait()):
                        return self.stopped_by
                # Show the command's effect now, before the next burst of training.
                self.emit(self.update())
                last_emit, emitted = time.monotonic(), (self.step_count, self.state)
                next_due = time.monotonic()
            if self.state == RUNNING:
                now = time.monotonic()
                if self.speed > 0:
                    if now >= next_due:
                        self.advance()
                        next_due = max(next_due + 1.0 / self.speed, now - 0.5)
                else:
                    burst_end = now + BURST_SECONDS
                    while self.advance() and time.monotonic() < burst_end:
                        pass
            now = time.monotonic()
            changed = (self.step_count, self.state) != emitted
            if first or (changed and now - last_emit >= EMIT_INTERVAL):
                self.emit(self.update())
                last_emit, emitted, first = now, (self.step_count, self.state), False
