"""The lab's own process: `python -m museum.lab.child`.

It first makes sure it cannot outlive the UI, then imports torch while the visitor is still
reading the lobby (a warm child), then waits for the lab it is to run.
"""

from __future__ import annotations

import gc
import os
import queue
import signal
import sys
import threading
import time
import traceback


def _die_with_parent() -> None:
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            PR_SET_PDEATHSIG = 1
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass

    def watch() -> None:  # a second guard where prctl is missing or the spawner thread ended
        while True:
            if os.getppid() != parent:
                os._exit(0)
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True, name="parent-watchdog").start()


def main() -> None:
    # The UI decides when we stop: a Ctrl+C meant for it must not kill us mid-frame.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    from museum.lab.wire import UNLOADED, read_frame, write_frame

    updates_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print() from a lab must not corrupt the frame stream
    commands: queue.Queue[tuple] = queue.Queue()

    def read_commands() -> None:
        while True:
            try:
                message = read_frame(sys.stdin.buffer)
            except Exception:
                message = None
            if message is None:  # the UI closed our pipe or died: leave at once
                os._exit(0)
            commands.put(message)

    threading.Thread(target=read_commands, daemon=True, name="commands").start()

    if os.environ.get("MUSEUM_CHILD_NO_TORCH") != "1":
        import torch
        import torch._dynamo  # noqa: F401  the first optimizer built imports it: 2-6 s, paid here

        torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))

    from museum.lab.api import FAILED, Update
    from museum.lab.loop import LabLoop, resolve

    def emit(update: Update) -> None:
        try:
            write_frame(updates_out, update)
        except (BrokenPipeError, OSError):
            os._exit(0)

    # One lab after another: leaving an exhibit unloads its lab and hands this process, torch
    # already imported, back to the UI's pool for the next exhibit.
    while True:
        message = commands.get()
        if message[0] == "quit":
            os._exit(0)
        if message[0] != "load":
            continue
        _, lab_path, seed, params, device, speed = message
        try:
            lab_class = resolve(lab_path)
        except Exception:
            error = traceback.format_exc(limit=-1).strip().splitlines()[-1]
            emit(Update(state=FAILED, error=error))
            stopped_by = ""
            while stopped_by not in ("quit", "unload"):  # stay, so the UI shows why
                stopped_by = commands.get()[0]
        else:
            loop = LabLoop(
                lab_class, seed=seed, params=params, device=device, speed=speed, emit=emit
            )
            stopped_by = loop.serve(commands)
            del loop
        if stopped_by == "quit":
            os._exit(0)
        gc.collect()
        emit(UNLOADED)


if __name__ == "__main__":
    main()
