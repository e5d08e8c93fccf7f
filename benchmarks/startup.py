"""Time to first paint: `museum` in an 80×24 pty, from process start to the lobby title on screen.

    python -m benchmarks.startup [--runs N] [--json]

Each run spawns the visitor's command (the `museum` console script) in a fresh pseudo-terminal,
reads the output until the bytes of "Museum of Neural Networks" arrive, then presses q, waits
for the process to end (SIGTERM, then SIGKILL, only if it does not) and checks that every
process it started (the warm lab child) has ended too. An empty Textual app (a Static "ready",
benchmarks/_empty_app.py) is measured the same way in the same run, interleaved, as the floor.
One warm-up run of each is made first and not counted (cold file cache).

--diagnose adds a third series: the museum with MUSEUM_CHILD_NO_TORCH=1, i.e. the warm lab
child started as usual but not importing torch, to show what that import costs first paint
on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile

from benchmarks._pty import (
    REPO,
    PtyProcess,
    background_load,
    descendants,
    kill_leftovers,
    median,
    museum_argv,
    visitor_env,
    wait_gone,
)
from museum.i18n import t  # standard library only

MUSEUM_MARKER = t("museum", "en")  # "Museum of Neural Networks"
EMPTY_MARKER = "ready"
TIMEOUT = 30.0
TARGET_RATIO = 1.2  # "first paint <= 0.3 s" = within ~1.2x an empty app measured side by side
TARGET_SECONDS = 0.3


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
    parser.add_argument("--diagnose", action="store_true",
                        help="also measure the museum with a warm child that skips torch")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    background = background_load(1.0)
    print(f"other load on the machine before starting: {background:.2f} CPUs", file=sys.stderr)
    state_dir = tempfile.mkdtemp(prefix="museum-bench-")
    env = visitor_env(state_dir)
    apps = {
        "museum": (museum_argv(), MUSEUM_MARKER, env),
        "empty": ([sys.executable, str(REPO / "benchmarks" / "_empty_app.py")], EMPTY_MARKER, env),
    }
    if args.diagnose:
        apps["notorch"] = (museum_argv(), MUSEUM_MARKER, visitor_env(state_dir, MUSEUM_CHILD_NO_TORCH="1"))
    results: dict[str, list[dict]] = {name: [] for name in apps}
    problems: list[str] = []
    gap_loads: list[float] = []
    try:
        for name, (cmd, marker, app_env) in apps.items():  # warm-up, not counted
            warm = one_run(cmd, marker, app_env)
            print(f"warm-up {name:7s}: {warm['seconds'] or float('nan'):.3f} s (not counted)",
                  file=sys.stderr)
        for i in range(args.runs):
            order = list(apps) if i % 2 == 0 else list(reversed(apps))
            for name in order:
                cmd, marker, app_env = apps[name]
                run = one_run(cmd, marker, app_env)
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
                print(f"run {i + 1:2d} {name:7s}: {shown}{extra}", file=sys.stderr)
                gap_loads.append(background_load(0.25))  # nothing of ours runs between runs
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)

    museum, empty = summary(results["museum"]), summary(results["empty"])
    ratio = (museum["median"] / empty["median"]) if museum["median"] and empty["median"] else None
    children = max((r["children"] for r in results["museum"]), default=0)
    print()
    print("first paint in an 80x24 pty, process start -> title bytes on the pty")
    print(f"  {'':24s} {'median':>8s} {'max':>8s} {'min':>8s} runs")
    series = [("museum (lobby title)", museum), ("empty Textual app", empty)]
    if args.diagnose:
        series.append(("museum, child w/o torch", summary(results["notorch"])))
    for label, s in series:
        if s["median"] is None:
            print(f"  {label:24s} no run painted")
            continue
        print(f"  {label:24s} {s['median']:7.3f}s {s['max']:7.3f}s {s['min']:7.3f}s {s['runs']}")
    met = {
        "ratio_le_1.2": bool(ratio and ratio <= TARGET_RATIO),
        "median_le_0.3s": bool(museum["median"] and museum["median"] <= TARGET_SECONDS),
    }
    if ratio:
        print(f"  ratio museum/empty (medians): {ratio:.2f}x   (target <= ~{TARGET_RATIO}x the empty app:"
              f" {'met' if met['ratio_le_1.2'] else 'MISSED'}; <= {TARGET_SECONDS} s:"
              f" {'met' if met['median_le_0.3s'] else 'MISSED'})")
    print(f"  processes per museum run: UI + {children} child(ren); "
          f"left behind after q: {sum(len(r['left_behind']) for r in results['museum'])}")
    background_after = background_load(1.0)
    gaps = sorted(gap_loads) or [0.0]
    print(f"  other load on the machine (CPUs): {background:.2f} before, {background_after:.2f} after,"
          f" between runs median {median(gaps):.2f} max {gaps[-1]:.2f}")
    if max(background, background_after, median(gaps)) > 0.25:
        problems.append("other processes were busy: on a 2-core machine the figures are pessimistic")
    for problem in problems:
        print(f"  NOTE: {problem}")
    if args.json:
        print(json.dumps({
            "startup_s": museum,
            "empty_app_s": empty,
            "ratio": round(ratio, 3) if ratio else None,
            **({"no_torch_child_s": summary(results["notorch"])} if args.diagnose else {}),
            "met": met,
            "other_load": {"before": round(background, 2), "after": round(background_after, 2),
                           "between_runs_median": round(median(gaps), 2),
                           "between_runs_max": round(gaps[-1], 2)},
            "left_behind": sum(len(r["left_behind"]) for runs in results.values() for r in runs),
            "problems": problems,
        }))
    return 0 if museum["runs"] and empty["runs"] else 1


if __name__ == "__main__":
    sys.exit(main())
