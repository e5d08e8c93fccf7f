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
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from museum.lab.api import FAILED, Update
from museum.lab.loop import LabLoop, resolve
from museum.lab.wire import UNLOADED, read_frame, write_frame

UpdateCallback = Callable[[Update], None]


class Runner(Protocol):
    on_update: UpdateCallback | None

    def start(self) -> None: ...
    def send(self, *message) -> None: ...
    def latest(self) -> Update | None: ...
    def close(self, recycle: bool = True) -> None: ...


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
        try:  # its output pipe too, now, rather than whenever the Popen is collected
            if process.stdout and not process.stdout.closed:
                process.stdout.close()
        except (OSError, ValueError):
            pass

    threading.Thread(target=reap, daemon=True, name="reap-lab").start()


class WarmPool:
    """Lab processes that have already imported torch, waiting for the next exhibit.

    A process comes back here when its exhibit is left (its lab unloaded), so walking from
    exhibit to exhibit reuses the same one or two processes instead of starting new ones,
    each of which would spend a core for seconds importing torch while the UI draws.
    """

    def __init__(self, keep: int = 1):
        self.keep = keep
        self._idle: list[subprocess.Popen] = []
        self._returning = 0
        self._closed = False
        self._lock = threading.Lock()

    def fill(self) -> None:
        """Start one if none is idle or on its way back. Main thread only."""
        with self._lock:
            self._idle = [p for p in self._idle if p.poll() is None]
            if self._closed or self._idle or self._returning:
                return
            self._idle.append(spawn_child())

    def take(self) -> subprocess.Popen:
        with self._lock:
            while self._idle:
                process = self._idle.pop()
                if process.poll() is None:
                    return process
        return spawn_child()

    def expect_return(self) -> None:
        with self._lock:
            self._returning += 1

    def give_back(self, process: subprocess.Popen | None) -> None:
        """A process whose lab was unloaded (None: it died on the way). Any thread."""
        with self._lock:
            self._returning -= 1
            if process is None:
                return
            if not self._closed and len(self._idle) < self.keep and process.poll() is None:
                self._idle.append(process)
                return
        end_process(process)

    @property
    def idle(self) -> int:
        return len(self._idle)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for process in idle:
            end_process(process)


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
        pool: WarmPool | None = None,
    ):
        super().__init__(on_update)
        self._load = ("load", lab_path, seed, dict(params or {}), device, speed)
        self._process = process
        self._pool = pool  # where the process goes when the exhibit is left
        self._lock = threading.Lock()
        self._closing = False
        self._recycling = False

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
                try:
                    stream.close()  # the process has ended: let its pipe go now
                except (OSError, ValueError):
                    pass
                break
            if update == UNLOADED:  # our lab is gone; the process is free for the next one
                self._pool.give_back(self._process)
                return
            if not self._closing:
                self._publish(update)
        if self._recycling:
            self._pool.give_back(None)
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

    def close(self, recycle: bool = True) -> None:
        """Let the lab go: hand the process back to the pool, or end it."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            self.on_update = None
            if self._process is None:
                return
            if recycle and self._pool is not None and self._process.poll() is None:
                self._pool.expect_return()
                self._recycling = True
                try:
                    write_frame(self._process.stdin, ("unload",))
                    return
                except (BrokenPipeError, OSError, ValueError):
                    self._recycling = False
                    self._pool.give_back(None)
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
        self._commands: queue.Queue[tuple] = queue.Queue()
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

    def close(self, recycle: bool = True) -> None:
        self.on_update = None
        self._commands.put(("quit",))


class RunnerFactory:
    """Makes the right runner for an exhibit; holds the warm child between exhibits."""

    def __init__(self, warm: bool = True):
        self.pool = WarmPool() if warm else None

    def __call__(self, exhibit, seed: int = 0, on_update: UpdateCallback | None = None) -> Runner:
        if not exhibit.needs_torch:
            return InProcessRunner(
                exhibit.lab, seed, exhibit.params, exhibit.default_speed, on_update=on_update
            )
        process = self.pool.take() if self.pool is not None else None
        return ChildRunner(
            exhibit.lab, seed, exhibit.params, exhibit.default_speed,
            on_update=on_update, process=process, pool=self.pool,
        )

    def refill(self) -> None:
        """Have a warm child ready (or on its way back). Main thread: at launch, after moves."""
        if self.pool is not None:
            self.pool.fill()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
