"""Shared helpers: run a program in a pseudo-terminal and watch its output bytes as they arrive.

A background thread drains the pty master and keeps every byte with the time it was read,
so a benchmark can ask "when did this text first appear after offset N?" and get the arrival
time of the chunk that completed it. Textual writes styled runs of text as contiguous bytes
(escape sequences go between runs of different style, not inside one), so a marker that is a
single-styled run (a title, a control-line label) appears verbatim in the byte stream.

Also here: /proc readers (descendants, RSS, CPU time) so no third-party package is needed.
"""

from __future__ import annotations

import bisect
import fcntl
import math
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

KEYS = {
    "space": b" ",
    "enter": b"\r",
    "escape": b"\x1b",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
}

ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")


def museum_argv(*args: str) -> list[str]:
    """The console script a visitor runs (falls back to ``python -m museum.cli``)."""
    script = Path(sys.executable).with_name("museum")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "museum.cli", *args]


def visitor_env(state_dir: str, **extra: str) -> dict:
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        LANG="en_US.UTF-8",
        LC_ALL="C.UTF-8",
        MUSEUM_STATE_DIR=state_dir,
    )
    # Python caches compiled modules unless told not to; this sandbox tells it not to
    # (PYTHONDONTWRITEBYTECODE=1 in its environment), a visitor's machine does not. Without
    # the cache every start compiled the museum's own modules again (about 10 ms of first
    # paint, measured); the cache lands in __pycache__ folders git ignores.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("TEXTUAL", None)  # no devtools / debug features
    env.pop("LC_MESSAGES", None)
    env.update(extra)
    return env


def _set_winsize(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _controlling_terminal() -> None:  # runs in the child between fork and exec
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@dataclass
class Hit:
    time: float  # perf_counter() when the chunk completing the marker was read
    start: int  # offset of the marker in the output
    end: int  # offset just past it


class PtyProcess:
    """One program in its own pty (cols × rows), its output drained and timestamped."""

    def __init__(self, argv: list[str], env: dict | None = None, cols: int = 80, rows: int = 24,
                 cwd: str | Path | None = None):
        self.argv = argv
        master, slave = os.openpty()
        _set_winsize(slave, cols, rows)
        self.master = master
        self._buf = bytearray()
        self._ends: list[int] = []  # cumulative end offset of each chunk
        self._times: list[float] = []  # when each chunk was read
        self._cond = threading.Condition()
        self._eof = False
        self.t_start = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd or REPO,
            preexec_fn=_controlling_terminal, close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._drain, daemon=True, name="pty-reader")
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    # -- output ---------------------------------------------------------------------------
    def _drain(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.5)
                if not ready:
                    if self.proc.poll() is not None and not self._has_data():
                        break
                    continue
                data = os.read(self.master, 65536)
            except OSError:  # EIO: every slave end is closed
                data = b""
            now = time.perf_counter()
            with self._cond:
                if not data:
                    self._eof = True
                    self._cond.notify_all()
                    return
                self._buf += data
                self._ends.append(len(self._buf))
                self._times.append(now)
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _has_data(self) -> bool:
        ready, _, _ = select.select([self.master], [], [], 0)
        return bool(ready)

    def mark(self) -> int:
        """The current end of the output: search from here for what a key causes."""
        with self._cond:
            return len(self._buf)

    def output(self, start: int = 0, end: int | None = None) -> bytes:
        with self._cond:
            return bytes(self._buf[start:end])

    def time_at(self, offset: int) -> float:
        """When the byte at ``offset`` was read."""
        with self._cond:
            i = bisect.bisect_right(self._ends, offset)
            return self._times[min(i, len(self._times) - 1)]

    def wait_for(self, marker: bytes | str, since: int = 0, timeout: float = 10.0) -> Hit | None:
        """The first appearance of ``marker`` at or after offset ``since``; None on timeout."""
        if isinstance(marker, str):
            marker = marker.encode("utf-8")
        deadline = time.perf_counter() + timeout
        with self._cond:
            searched = since
            while True:
                index = self._buf.find(marker, searched)
                if index >= 0:
                    end = index + len(marker)
                    i = bisect.bisect_right(self._ends, end - 1)
                    return Hit(self._times[i], index, end)
                searched = max(since, len(self._buf) - len(marker) + 1)
                remaining = deadline - time.perf_counter()
                if remaining <= 0 or self._eof:
                    return None
                self._cond.wait(remaining)

    def wait_any(self, markers: list[bytes], since: int = 0, timeout: float = 10.0):
        """(marker, Hit) for whichever marker appears first after ``since``; None on timeout."""
        deadline = time.perf_counter() + timeout
        with self._cond:
            while True:
                found = [(self._buf.find(m, since), m) for m in markers]
                found = [(i, m) for i, m in found if i >= 0]
                if found:
                    index, marker = min(found)
                    end = index + len(marker)
                    i = bisect.bisect_right(self._ends, end - 1)
                    return marker, Hit(self._times[i], index, end)
                remaining = deadline - time.perf_counter()
                if remaining <= 0 or self._eof:
                    return None
                self._cond.wait(remaining)

    # -- input ----------------------------------------------------------------------------
    def write(self, data: bytes | str) -> tuple[float, int]:
        """Send keys; returns (time just before the write, output offset at that moment)."""
        if isinstance(data, str):
            data = KEYS.get(data, data.encode("utf-8"))
        offset = self.mark()
        t = time.perf_counter()
        os.write(self.master, data)
        return t, offset

    # -- the end --------------------------------------------------------------------------
    def quit(self, keys: bytes = b"q", grace: float = 5.0) -> str:
        """Press q, wait; then SIGTERM, then SIGKILL. Returns how it ended."""
        how = "q"
        try:
            os.write(self.master, keys)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            how = "SIGTERM"
            self.proc.terminate()
            try:
                self.proc.wait(timeout=2.0)
            except subprocess.TimeoutExpired:
                how = "SIGKILL"
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=2.0)
        try:
            os.close(self.master)
        except OSError:
            pass
        return how


# -- /proc --------------------------------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # pid (comm) state ppid ... ; comm may hold spaces and parentheses
    head, _, rest = text.rpartition(")")
    return [head.split(" (", 1)[0], head.split(" (", 1)[-1]] + rest.split()


def alive(pid: int) -> bool:
    """Exists and is not a zombie."""
    fields = _stat(pid)
    return fields is not None and fields[2] != "Z"


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None and fields[3] == str(pid):
                found.append(int(entry))
    return sorted(found)


def descendants(pid: int) -> list[int]:
    result, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            result.append(child)
            todo.append(child)
    return result


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            "utf-8", "replace").strip()
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    if fields is None:
        return 0.0
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> dict:
    """VmRSS and VmHWM (peak RSS) in MB (MiB)."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return {"rss": out.get("VmRSS"), "hwm": out.get("VmHWM")}


def wait_gone(pids: list[int], timeout: float = 5.0) -> list[int]:
    """Wait for these processes to end; returns those still alive after ``timeout``."""
    deadline = time.monotonic() + timeout
    left = [p for p in pids if alive(p)]
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = [p for p in left if alive(p)]
    return left


def kill_leftovers(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# -- numbers -----------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return float("nan")
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def gpu_present() -> bool:
    return os.path.exists("/dev/nvidia0")


def plain(data: bytes) -> str:
    """Output with escape sequences removed (for eyeballing only: cursor moves are lost)."""
    return ANSI.sub(b"", data).decode("utf-8", "replace")


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already inside user
    return total - idle, total


def busy_cores(before: tuple[float, float], after: tuple[float, float]) -> float:
    """How many CPUs were busy on average between two machine_busy() readings."""
    total = after[1] - before[1]
    return (after[0] - before[0]) / total * (os.cpu_count() or 1) if total > 0 else 0.0


def background_load(seconds: float = 1.0) -> float:
    """CPUs kept busy by everything else on the machine, sampled before a benchmark starts."""
    before = machine_busy()
    time.sleep(seconds)
    return busy_cores(before, machine_busy())
