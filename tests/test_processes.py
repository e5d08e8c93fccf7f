"""The real `museum`, in a pseudo-terminal: however it ends, no lab process outlives it by 2 s."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass
    return found


class Terminal:
    """`museum` on an 80×24 pseudo-terminal; keeps everything it prints."""

    def __init__(self, *args: str, state_dir: str):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "MUSEUM_STATE_DIR": state_dir}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "museum.cli", *args], stdin=slave, stdout=slave, stderr=slave,
            cwd=ROOT, env=env, start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.output = b""
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def wait_for(self, text: str, timeout: float = 30.0, since: int = 0) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.output[since:]:
            assert time.monotonic() < deadline, f"{text!r} never appeared"
            assert self.process.poll() is None, "museum exited early"
            time.sleep(0.05)

    def press(self, keys: bytes) -> None:
        os.write(self.master, keys)


@pytest.mark.parametrize(
    "how", ["q", "ctrl+c", "SIGINT", "SIGTERM", "SIGKILL", "terminal closed, SIGHUP"]
)
def test_no_lab_process_outlives_the_museum(tmp_path, how):
    terminal = Terminal("open", "perceptron", "--lang", "en", state_dir=str(tmp_path))
    try:
        terminal.wait_for("The Perceptron")
        terminal.wait_for("paused")  # the lab's child answered: torch is loaded there
        terminal.press(b" ")
        terminal.wait_for("running")
        labs = children(terminal.process.pid)
        assert labs, "the lab runs in a child process"
        if how == "q":
            terminal.press(b"q")
        elif how.startswith("terminal closed"):
            # what a closed tmux pane or a dropped ssh session does: the terminal is gone
            # (every write fails), then SIGHUP
            terminal.press(b" ")  # keep the screen changing, so writes are pending
            os.close(terminal.master)
            terminal.master = os.open("/dev/null", os.O_RDONLY)  # for the finally below
            time.sleep(0.5)
            terminal.process.send_signal(signal.SIGHUP)
        elif how == "ctrl+c":  # Textual's meaning: a hint to press ctrl+q, which then quits
            terminal.press(b"\x03")
            time.sleep(0.5)
            assert terminal.process.poll() is None, "ctrl+c alone does not quit"
            terminal.press(b"\x11")
        else:
            terminal.process.send_signal(getattr(signal, how))
        terminal.process.wait(timeout=10)
        if how not in ("SIGKILL", "terminal closed, SIGHUP"):
            assert terminal.process.returncode == 0, terminal.output[-2000:]
            assert b"Traceback" not in terminal.output
        deadline = time.monotonic() + 2.0
        while any(alive(pid) for pid in labs) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in labs if alive(pid)]
    finally:
        if terminal.process.poll() is None:
            terminal.process.kill()
        os.close(terminal.master)


RIGHT, LEFT = b"\x1b[C", b"\x1b[D"


def open_fds(pid: int) -> int:
    """The fewest fds over two seconds: a pipe may be open for a moment while the pool
    hands a process over, which is not a leak."""
    counts = []
    for _ in range(10):
        counts.append(len(os.listdir(f"/proc/{pid}/fd")))
        time.sleep(0.2)
    return min(counts)


def test_switching_exhibits_thirty_times_leaves_one_lab_and_no_new_fds(tmp_path):
    terminal = Terminal("open", "perceptron", "--lang", "en", state_dir=str(tmp_path))

    def switch_and_wait(times: int) -> None:
        for _ in range(times):
            for key, title in ((RIGHT, "XOR and the First Winter"), (LEFT, "The Perceptron")):
                since = len(terminal.output)
                terminal.press(key)
                terminal.wait_for(title, since=since)

    def settle() -> list[int]:
        # A process taken while still importing torch comes back to the pool (and its pipes
        # are closed) once its import is done, so under load the count settles some seconds
        # later, not at once.
        deadline = time.monotonic() + 60
        while True:
            live = [pid for pid in children(terminal.process.pid) if alive(pid)]
            if len(live) == 2 or time.monotonic() > deadline:
                return live
            time.sleep(0.2)

    try:
        terminal.wait_for("paused")
        switch_and_wait(3)  # the first switches import modules and fill the pool
        assert len(settle()) == 2
        fds_before = open_fds(terminal.process.pid)  # each process holds pipes: compare
        switch_and_wait(12)                          # with the same two processes alive
        live = settle()
        assert len(live) == 2, live  # the open exhibit's lab and one warm child
        fds_after = open_fds(terminal.process.pid)
        assert fds_after <= fds_before, (fds_before, fds_after)
        terminal.press(b"q")
        terminal.process.wait(timeout=10)
    finally:
        if terminal.process.poll() is None:
            terminal.process.kill()
        os.close(terminal.master)
