"""The trainer's ceiling: a bare in-process LabLoop, flat out, for a fixed wall time.

    python -m benchmarks._baseline SLUG SECONDS [--warmup S]

Run as its own process by benchmarks.responsiveness (so torch never enters the measuring
process). Same thread count as the lab child: max(1, cpu_count - 1). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("slug")
    parser.add_argument("seconds", type=float)
    parser.add_argument("--warmup", type=float, default=1.0)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))
    from museum.catalog import load
    from museum.lab.loop import LabLoop, resolve

    exhibit = load().get(args.slug)
    loop = LabLoop(resolve(exhibit.lab), seed=0, params=exhibit.params, speed=0)
    end = time.perf_counter() + args.warmup
    while time.perf_counter() < end:
        loop.advance()
    start_steps = loop.step_count
    start = time.perf_counter()
    end = start + args.seconds
    while time.perf_counter() < end and loop.advance():
        pass
    elapsed = time.perf_counter() - start
    steps = loop.step_count - start_steps
    print(json.dumps({
        "slug": args.slug, "steps": steps, "seconds": elapsed, "steps_per_s": steps / elapsed,
        "threads": torch.get_num_threads(), "state": loop.state,
    }))


if __name__ == "__main__":
    main()
