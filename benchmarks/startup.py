"""Time to first paint: `museum` in an 80×24 pty, from process start to the lobby title on screen.

    python -m benchmarks.startup [--runs N] [--json]

Each run spawns the visitor's command (the `museum` console script) in a fresh pseudo-terminal,
reads the output until the bytes of "Museum of Neural Networks" arrive, then presses q, waits
for the process to end (SIGTERM, then SIGKILL, only if it does not) and checks that every
process it started (the warm lab child) has ended too. An empty Textual app (a Static "ready",
benchmarks/_empty_app.py) is measured the same way in the same run, interleaved, as the floor.
One warm-up run of each is made first and not counted (cold file cache).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time

from benchmarks._pty import (
    REPO, PtyProcess, descendants, kill_leftovers, median, museum_argv, visitor_env, wait_gone,
)

MUSEUM_MARKER = "Museum of Neural Networks"
EMPTY_MARKER = "ready"
TIMEOUT = 30.0


def one_run(argv: list[str], marker: str, env: dict) -> dict:
    proc = PtyProcess(argv, env=env, cols=80, rows=24)
    hit = proc.wait_for(marker, 0, TIMEOUT)
    seconds = hit.time - proc.t_start if hit else None
    kids = descendants(proc.pid)  # e.g. the warm lab child, started before the app runs
    how = proc.quit()
    left = wait_gone(kids, timeout=5.0)
    if left:
        kill_leftovers(left)
    return {
        "seconds": seconds,
        "ended_by": how,
        "exit_code": proc.proc.returncode,
        "children": len(kids),
        "left_behind": left,
    }


def summary(runs: list[dict]) -> dict:
    times = [r["seconds"] for r in runs if r["seconds"] is not None]
    return {
        "median": round(median(times), 4) if times else None,
        "max": round(max(times), 4) if times else None,
        "min": round(min(times), 4) if times else None,
        "runs": len(times),
        "failed": len(runs) - len(times),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="counted runs of each app (default 10)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    state_dir = tempfile.mkdtemp(prefix="museum-bench-")
    env = visitor_env(state_dir)
    apps = {
        "museum": (museum_argv(), MUSEUM_MARKER),
        "empty": ([sys.executable, str(REPO / "benchmarks" / "_empty_app.py")], EMPTY_MARKER),
    }
    results: dict[str, list[dict]] = {"museum": [], "empty": []}
    problems: list[str] = []
    try:
        for name, (cmd, marker) in apps.items():  # warm-up, not counted
            warm = one_run(cmd, marker, env)
            print(f"warm-up {name:6s}: {warm['seconds'] or float('nan'):.3f} s (not counted)",
                  file=sys.stderr)
        for i in range(args.runs):
            order = ("museum", "empty") if i % 2 == 0 else ("empty", "museum")
            for name in order:
                cmd, marker = apps[name]
                run = one_run(cmd, marker, env)
                results[name].append(run)
                shown = f"{run['seconds']:.3f} s" if run["seconds"] is not None else "NO PAINT"
                extra = ""
                if run["ended_by"] != "q":
                    extra += f"  (did not quit on q: {run['ended_by']})"
                    problems.append(f"{name} run {i + 1} did not end on q ({run['ended_by']})")
                if run["left_behind"]:
                    extra += f"  LEFT BEHIND: {run['left_behind']}"
                    problems.append(f"{name} run {i + 1} left processes {run['left_behind']}")
                if run["seconds"] is None:
                    problems.append(f"{name} run {i + 1}: marker not seen in {TIMEOUT:.0f} s")
                print(f"run {i + 1:2d} {name:6s}: {shown}{extra}", file=sys.stderr)
                time.sleep(0.2)
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)

    museum, empty = summary(results["museum"]), summary(results["empty"])
    ratio = (museum["median"] / empty["median"]) if museum["median"] and empty["median"] else None
    children = max((r["children"] for r in results["museum"]), default=0)
    print()
    print("first paint in an 80x24 pty, process start -> title bytes on the pty")
    print(f"  {'':22s} {'median':>8s} {'max':>8s} {'min':>8s} runs")
    for label, s in (("museum (lobby title)", museum), ("empty Textual app", empty)):
        if s["median"] is None:
            print(f"  {label:22s} no run painted")
            continue
        print(f"  {label:22s} {s['median']:7.3f}s {s['max']:7.3f}s {s['min']:7.3f}s {s['runs']}")
    if ratio:
        print(f"  ratio museum/empty (medians): {ratio:.2f}x   (target: first paint <= ~1.2x the empty app)")
    print(f"  processes per museum run: UI + {children} child(ren); "
          f"left behind after q: {sum(len(r['left_behind']) for r in results['museum'])}")
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    if args.json:
        print(json.dumps({
            "startup_s": museum,
            "empty_app_s": empty,
            "ratio": round(ratio, 3) if ratio else None,
            "left_behind": sum(len(r["left_behind"]) for r in results["museum"] + results["empty"]),
            "problems": problems,
        }))
    return 0 if museum["runs"] and empty["runs"] else 1


if __name__ == "__main__":
    sys.exit(main())
