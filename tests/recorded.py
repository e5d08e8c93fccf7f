"""Recorded labs: an ``Update`` saved to ``tests/recordings/<slug>.npz`` and replayed.

Snapshot tests draw these instead of live training, so floating-point noise never flips a
screen. The file holds the update's structure as JSON and its NumPy arrays beside it, and is
read with ``allow_pickle=False``.

Record a new exhibit:            python -m tests.recorded SLUG --steps N
Re-record after changing a lab:  python -m tests.recorded SLUG   (keeps the recorded step)
"""

from __future__ import annotations

import argparse
import json
import platform
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np

from museum.lab.api import Update

RECORDINGS = Path(__file__).parent / "recordings"
# Each recording keeps its step (a moment that shows the exhibit at its best) in the file.
DEFAULT_STEPS = 50


def recorded_step(slug: str) -> int:
    path = RECORDINGS / f"{slug}.npz"
    return load(path).step if path.exists() else DEFAULT_STEPS


def _encode(value, arrays: dict):
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, dict):
        return {"__dict__": [[_encode(k, arrays), _encode(v, arrays)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _decode(value, arrays):
    if isinstance(value, dict):
        if "__array__" in value:
            return arrays[value["__array__"]]
        return {_decode(k, arrays): _decode(v, arrays) for k, v in value["__dict__"]}
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    return value


def save(update: Update, path: Path) -> None:
    arrays: dict = {}
    structure = _encode(asdict(update), arrays)
    np.savez_compressed(path, __update__=np.array(json.dumps(structure)),
                        __python__=np.array(platform.python_version()), **arrays)


def recorded_with(path: Path) -> str | None:
    """The Python version a recording was made with (labs over its stdlib depend on it)."""
    with np.load(path, allow_pickle=False) as data:
        return str(data["__python__"]) if "__python__" in data.files else None


def load(path: Path) -> Update:
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k not in ("__update__", "__python__")}
        structure = json.loads(str(data["__update__"]))
    values = _decode(structure, arrays)
    known = {f.name for f in fields(Update)}
    return Update(**{k: v for k, v in values.items() if k in known})


def record(slug: str, steps: int | None = None) -> Update:
    """Run the exhibit's real lab in-process and return its update after ``steps`` steps."""
    import os

    import torch

    torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))  # as the lab's child runs it
    from museum.catalog import load as load_catalog
    from museum.lab.api import PAUSED
    from museum.lab.loop import LabLoop, resolve

    exhibit = load_catalog().get(slug)
    loop = LabLoop(resolve(exhibit.lab), seed=0, params=exhibit.params,
                   speed=exhibit.default_speed)
    for _ in range(recorded_step(slug) if steps is None else steps):
        if not loop.advance():
            break
    update = loop.update()
    if update.state not in ("done", "diverged", "failed"):
        update.state = PAUSED
    return update


class RecordedRunner:
    """Plays one recorded update; remembers what it was told."""

    def __init__(self, update: Update):
        self._update = update
        self.on_update = None
        self.sent: list[tuple] = []
        self.closed = False

    def start(self) -> None:
        if self.on_update:
            self.on_update(self._update)

    def send(self, *message) -> None:
        self.sent.append(message)

    def latest(self) -> Update:
        return self._update

    def close(self, recycle: bool = True) -> None:
        self.closed = True


class RecordedFactory:
    """A runner factory for ``MuseumApp`` that replays ``tests/recordings``."""

    def __init__(self):
        self.runners: list[RecordedRunner] = []

    def __call__(self, exhibit, seed: int = 0, on_update=None) -> RecordedRunner:
        runner = RecordedRunner(load(RECORDINGS / f"{exhibit.slug}.npz"))
        self.runners.append(runner)
        return runner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slugs", nargs="+")
    parser.add_argument("--steps", type=int)
    args = parser.parse_args()
    RECORDINGS.mkdir(exist_ok=True)
    for slug in args.slugs:
        update = record(slug, args.steps)
        save(update, RECORDINGS / f"{slug}.npz")
        print(f"{slug}: step {update.step}, state {update.state}, claim {update.claim_met}")


if __name__ == "__main__":
    main()
