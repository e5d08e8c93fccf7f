"""Runners: what the exhibit screen talks to. Three kinds share one small interface.

- ``ChildRunner``: the lab lives in its own process (torch never enters the UI).
- ``InProcessRunner``: cheap labs (no torch) on a thread of the UI process.
- tests use ``museum.lab.fake`` runners with the same interface.

Interface: ``start()``, ``send(*message)``, ``latest()``, ``close()``, and ``on_update``, a
callback called from a background thread with each new ``Update`` (newest wins).
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from dataclasses import replace
from typing import Callable, Protocol

from museum.lab.api import FAILED, Update
from museum.lab.loop import LabLoop, resolve
from museum.lab.wire import read_frame, write_frame

UpdateCallback = Callable[[Update], None]


class Runner(Protocol):
    on_update: UpdateCallback | None

    def start(self) -> None: ...
    def send(self, *message) -> None: ...
    def latest(self) -> Update | None: ...
    def close(self) -> None: ...


class _Latest:
    """The newest update and who to tell about it."""

    def __init__(self, on_update: UpdateCallback | None):
        self.on_update = on_update
        self._latest: Update | None = None

    def _publish(self, update: Update) -> None:
        self._latest = update
        callback = self.on_update
        if callback is not None:
            callback(update)

    def latest(self) -> Update | None:
        return self._latest


def spawn_child() -> subprocess.Popen:
    """Start a lab process; it imports torch at once, then waits to be given a lab.

    Call from the main thread: the child's death signal follows the thread that spawned it.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "museum.lab.child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if not os.environ.get("MUSEUM_CHILD_STDERR") else None,
        close_fds=True,
    )


def end_process(process: subprocess.Popen, grace: float = 1.0) -> None:
    """Close the child's pipe (it exits on EOF), then make sure, off the caller's thread."""
    try:
        if process.stdin and not process.stdin.closed:
            process.stdin.close()
    except OSError:
        pass

    def reap() -> None:
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    threading.Thread(target=reap, daemon=True, name="reap-lab").start()


class WarmPool:
    """One child that has already imported torch, ready for the next exhibit."""

    def __init__(self) -> None:
        self._ready: subprocess.Popen | None = None

    def fill(self) -> None:
        if self._ready is None or self._ready.poll() is not None:
            self._ready = spawn_child()

    def take(self) -> subprocess.Popen:
        process = self._ready if self._ready is not None and self._ready.poll() is None else None
        self._ready = None
        return process or spawn_child()

    def close(self) -> None:
        if self._ready is not None:
            end_process(self._ready)
            self._ready = None


class ChildRunner(_Latest):
    def __init__(
        self,
        lab_path: str,
        seed: int = 0,
        params: dict | None = None,
        speed: float = 10.0,
        device: str = "cpu",
        on_update: UpdateCallback | None = None,
        process: subprocess.Popen | None = None,
    ):
        super().__init__(on_update)
        self._load = ("load", lab_path, seed, dict(params or {}), device, speed)
        self._process = process
        self._lock = threading.Lock()
        self._closing = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        if self._process is None:
            self._process = spawn_child()
        threading.Thread(target=self._read_updates, daemon=True, name="lab-updates").start()
        self.send(*self._load)

    def _read_updates(self) -> None:
        stream = self._process.stdout
        while True:
            try:
                update = read_frame(stream)
            except Exception:
                update = None
            if update is None:
                break
            self._publish(update)
        if not self._closing:
            last = self._latest or Update()
            if last.state != FAILED:
                self._publish(
                    replace(last, state=FAILED, error="the lab's process ended unexpectedly")
                )

    def send(self, *message) -> None:
        with self._lock:
            if self._closing or self._process is None:
                return
            try:
                write_frame(self._process.stdin, message)
            except (BrokenPipeError, OSError, ValueError):
                pass  # the reader thread reports the dead child

    def close(self) -> None:
        with self._lock:
            if self._closing:
                return
            self._closing = True
        self.on_update = None
        if self._process is not None:
            try:
                write_frame(self._process.stdin, ("quit",))
            except (BrokenPipeError, OSError, ValueError):
                pass
            end_process(self._process)


class InProcessRunner(_Latest):
    """The same loop on a thread: for labs that need no torch and cost next to nothing."""

    def __init__(
        self,
        lab_path: str,
        seed: int = 0,
        params: dict | None = None,
        speed: float = 10.0,
        device: str = "cpu",
        on_update: UpdateCallback | None = None,
    ):
        super().__init__(on_update)
        self._args = (lab_path, seed, dict(params or {}), device, speed)
        self._commands: "queue.Queue[tuple]" = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        lab_path, seed, params, device, speed = self._args

        def serve() -> None:
            try:
                lab_class = resolve(lab_path)
            except Exception as exc:
                self._publish(Update(state=FAILED, error=f"{type(exc).__name__}: {exc}"))
                return
            LabLoop(
                lab_class, seed=seed, params=params, device=device, speed=speed,
                emit=self._publish,
            ).serve(self._commands)

        self._thread = threading.Thread(target=serve, daemon=True, name="lab-inprocess")
        self._thread.start()

    def send(self, *message) -> None:
        self._commands.put(message)

    def close(self) -> None:
        self.on_update = None
        self._commands.put(("quit",))


class RunnerFactory:
    """Makes the right runner for an exhibit; holds the warm child between exhibits."""

    def __init__(self, warm: bool = True):
        self.pool = WarmPool() if warm else None

    def prepare(self) -> None:
        """Start the warm child now (from the main thread, before the app runs)."""
        if self.pool is not None:
            self.pool.fill()

    def __call__(self, exhibit, seed: int = 0, on_update: UpdateCallback | None = None) -> Runner:
        if not exhibit.needs_torch:
            return InProcessRunner(
                exhibit.lab, seed, exhibit.params, exhibit.default_speed, on_update=on_update
            )
        process = self.pool.take() if self.pool is not None else None
        runner = ChildRunner(
            exhibit.lab, seed, exhibit.params, exhibit.default_speed,
            on_update=on_update, process=process,
        )
        return runner

    def refill(self) -> None:
        if self.pool is not None:
            self.pool.fill()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
