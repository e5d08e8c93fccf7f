"""What Textual itself takes, on this machine in this run, for a key that builds a new screen.

The key benchmark's worst keys are the ones that build a screen (an arrow, a language switch).
Here the smallest app that does so (benchmarks/_two_screens.py: a title and Textual's Footer)
is sent → ``n`` times in an 80x24 pty, keys 150-300 ms apart as in the key benchmark, and each
is timed from the write to the arrival of the new screen's title.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time

from benchmarks._pty import KEYS, REPO, PtyProcess, median, percentile, visitor_env


def screen_switch_floor(n: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    proc = PtyProcess([sys.executable, str(REPO / "benchmarks" / "_two_screens.py")],
                      env=visitor_env(tempfile.mkdtemp(prefix="museum-floor-")))
    samples: list[float] = []
    try:
        if proc.wait_for("screen 0 shown", 0, 30.0) is None:
            return {"n": 0, "problem": "the two-screen app never painted"}
        time.sleep(1.0)
        for i in range(1, n + 1):
            time.sleep(rng.uniform(0.15, 0.3))
            sent, offset = proc.write(KEYS["right"])
            hit = proc.wait_for(f"screen {i} shown", offset, 5.0)
            if hit is None:
                return {"n": len(samples), "problem": f"screen {i} never appeared"}
            samples.append((hit.time - sent) * 1000)
    finally:
        proc.quit()
    return {
        "p50": round(median(samples), 1),
        "p99": round(percentile(samples, 99), 1),
        "max": round(max(samples), 1),
        "n": len(samples),
    }


if __name__ == "__main__":
    print(screen_switch_floor(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
