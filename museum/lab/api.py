"""The Lab contract. Standard library only: labs import this, and so does the UI.

A lab is a model and its training, nothing else: it never draws and never sleeps. The runner
calls ``step()`` as fast or as slowly as the visitor asks, ``snapshot()`` at most ~10 times a
second, and ``command()`` when the visitor acts on the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


class Lab:
    """Base class with the defaults every lab may keep."""

    # False for a lab that measures time (a benchmark): the same seed then gives the same
    # structure but not the same numbers, and tests compare only the structure.
    deterministic = True

    def __init__(self, seed: int = 0, device: str = "cpu", **params: Any):
        self.seed = seed
        self.device = device
        self.params = params

    def step(self) -> dict[str, float]:
        """One unit of work; returns this step's metrics (plain floats)."""
        raise NotImplementedError

    def snapshot(self) -> dict:
        """Plain data for the view: numbers, lists, NumPy arrays, strings."""
        return {}

    def command(self, name: str, value: Any) -> None:
        """A visitor's action (toggle an input, clamp a unit, set a prompt)."""
        raise UnknownCommand(name)

    def claim_met(self) -> bool:
        """Whether this run so far reproduces the exhibit's claim; once met, stays met."""
        return False

    def done(self) -> bool:
        """True when further steps change nothing; the runner then pauses."""
        return False


class UnknownCommand(ValueError):
    pass


# Run states, as the runner reports them.
RUNNING, PAUSED, DONE, DIVERGED, FAILED, STARTING = (
    "running", "paused", "done", "diverged", "failed", "starting",
)


@dataclass
class Update:
    """Everything the UI learns from a running lab, in one message."""

    step: int = 0
    metrics: dict = field(default_factory=dict)
    snapshot: dict = field(default_factory=dict)
    state: str = STARTING
    claim_met: bool = False
    claim_step: int | None = None
    error: str | None = None
    history: dict = field(default_factory=dict)  # metric -> (steps, values), downsampled
    seed: int = 0
    speed: float = 0.0  # steps per second; 0 means flat out
    trains: bool = True  # False for a lab with nothing to learn (its claim is checked once)


def finite(metrics: dict) -> bool:
    return all(math.isfinite(float(v)) for v in metrics.values())


class MetricHistory:
    """Every metric's curve in at most ``capacity`` points, however long the run.

    When full, every other point is dropped and the stride doubles, so a run of a million
    steps keeps an evenly spaced sketch of its whole history at constant cost.
    """

    def __init__(self, capacity: int = 512):
        self.capacity = capacity
        self.clear()

    def clear(self) -> None:
        self.stride = 1
        self.steps: list[int] = []
        self.values: dict[str, list[float]] = {}

    def add(self, step: int, metrics: dict) -> None:
        if step % self.stride:
            return
        for name in metrics:
            if name not in self.values:
                self.values[name] = [math.nan] * len(self.steps)
        self.steps.append(step)
        for name, values in self.values.items():
            values.append(float(metrics.get(name, math.nan)))
        if len(self.steps) >= self.capacity:
            self.stride *= 2
            keep = [i for i, s in enumerate(self.steps) if s % self.stride == 0]
            self.steps = [self.steps[i] for i in keep]
            self.values = {k: [v[i] for i in keep] for k, v in self.values.items()}

    def export(self) -> dict:
        return {name: (list(self.steps), list(values)) for name, values in self.values.items()}
