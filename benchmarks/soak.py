"""Soak: walk every exhibit again and again for M minutes, and watch what the museum holds.

    python -m benchmarks.soak [--minutes M] [--dwell S] [--seed N] [--json]

The real `museum` runs in an 80×24 pseudo-terminal, as a visitor would use it. It walks the
whole collection forward and back; at each exhibit it starts the lab, lets it
train for a few seconds, and presses the exhibit's keys (step, speed, run/pause, its own
letters); it moves on through the command palette. Every few seconds
it samples the UI's RSS, the lab
processes' RSS, the UI's open file descriptors and how many processes the museum has.

Targets (issue 4): RSS drift under 5% over an hour; no file descriptor or process gained.
Drift compares the median of the samples in the first and last quarter of the run, leaving out
the first lap (the first visit to each exhibit imports its view and fills caches).
The JSON's last line holds the summary.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time

from benchmarks._pty import (
    PtyProcess,
    children,
    cmdline,
    descendants,
    kill_leftovers,
    median,
    memory_mb,
    museum_argv,
    plain,
    visitor_env,
    wait_gone,
)
from museum.catalog import load as load_catalog

# keys a visitor presses inside an exhibit that keep them there (escape and arrows would not)
EXHIBIT_KEYS = [b"n", b" ", b"+", b"-", b"n", b" ", b"v", b"h", b"j", b"t", b"k", b"e", b"m",
                b"d", b"s", b"1", b"2"]


def go_to(proc: PtyProcess, slug: str, title: str) -> bool:
    """Open an exhibit through the command palette (ctrl+p, its slug, enter).

    Not with → : an exhibit's own keys may have focused its text box or drawing grid, which
    then owns the arrows (as it should), and escape would leave the exhibit instead."""
    for _ in range(2):
        offset = proc.mark()
        proc.write(b"\x10")  # ctrl+p
        time.sleep(0.4)
        proc.write(slug.encode())
        time.sleep(0.8)  # the palette searches as it is typed into
        proc.write(b"\r")
        if proc.wait_for(title, offset, 30.0) is not None:
            return True
        proc.write(b"\x1b")  # close whatever is open and try once more
        time.sleep(0.5)
    return False


def sample(pid: int, start: float) -> dict:
    labs = [p for p in children(pid) if "museum.lab.child" in cmdline(p)]
    return {
        "t": round(time.monotonic() - start, 1),
        "ui_rss_mb": round(memory_mb(pid)["rss"] or 0.0, 1),
        "lab_rss_mb": round(sum(memory_mb(p)["rss"] or 0.0 for p in labs), 1),
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
        "processes": len(descendants(pid)),
    }


def drift(samples: list[dict], key: str) -> dict:
    values = [s[key] for s in samples]
    quarter = max(1, len(values) // 4)
    first, last = median(values[:quarter]), median(values[-quarter:])
    return {
        "first": first, "last": last, "max": max(values),
        "drift_pct": round(100.0 * (last - first) / first, 2) if first else 0.0,
    }


def soak(minutes: float, dwell: float, seed: int, log) -> dict:
    rng = random.Random(seed)
    exhibits = load_catalog().exhibits
    titles = [e.title["en"] for e in exhibits]
    state_dir = tempfile.mkdtemp(prefix="museum-soak-")
    proc = PtyProcess(museum_argv("--lang", "en", "open", exhibits[0].slug),
                      env=visitor_env(state_dir), cols=80, rows=24)
    start = time.monotonic()
    samples: list[dict] = []
    keys = switches = laps = 0
    index, direction = 0, 1
    problems: list[str] = []
    try:
        if proc.wait_for(titles[0], 0, 60.0) is None:
            raise RuntimeError("the first exhibit never appeared")
        deadline = start + minutes * 60
        lap_done_at = None
        last_sample = 0.0
        while time.monotonic() < deadline:
            # at the exhibit: run it, press its keys, let it train
            visit_end = time.monotonic() + dwell
            while time.monotonic() < visit_end:
                proc.write(rng.choice(EXHIBIT_KEYS))
                keys += 1
                time.sleep(rng.uniform(0.05, 0.4))
                if time.monotonic() - last_sample >= 2.0:
                    last_sample = time.monotonic()
                    samples.append({**sample(proc.pid, start), "lap": laps})
            # walk on; at either end of the collection turn round
            if not 0 <= index + direction < len(exhibits):
                direction = -direction
                laps += 1
                if lap_done_at is None:
                    lap_done_at = len(samples)
            index += direction
            if not go_to(proc, exhibits[index].slug, titles[index]):
                problems.append(f"{exhibits[index].slug} did not open in 60 s; the screen "
                                f"ended with: {plain(proc.output(max(0, proc.mark() - 3000)))[-400:]!r}")
                break
            keys += 3 + len(exhibits[index].slug)
            switches += 1
            if proc.proc.poll() is not None:
                problems.append(f"museum exited with {proc.proc.returncode}")
                break
            log(f"{time.monotonic() - start:7.0f} s  lap {laps}  {exhibits[index].slug:18}"
                f"  {samples[-1] if samples else ''}")
        steady = samples[lap_done_at or 0:] or samples
        ui_pid = proc.pid
        lab_pids = descendants(ui_pid)
        os.write(proc.master, b"\x1b")  # leave a focused text box, where q would be typed
        time.sleep(0.5)  # apart, or escape and q read as alt+q
        how = proc.quit()
        left = wait_gone(lab_pids, timeout=2.0)
        if left:
            problems.append(f"{len(left)} process(es) outlived the museum")
        if "Traceback" in proc.output().decode("utf-8", "replace"):
            problems.append("a traceback was printed")
        return {
            "minutes": round((time.monotonic() - start) / 60, 2),
            "exhibits": len(exhibits), "laps": laps, "switches": switches, "keys": keys,
            "samples": len(samples),
            "ui_rss_mb": drift(steady, "ui_rss_mb"),
            "lab_rss_mb": drift(steady, "lab_rss_mb"),
            "fds": {"first": steady[0]["fds"], "last": steady[-1]["fds"],
                    "max": max(s["fds"] for s in steady)},
            "processes": {"first": steady[0]["processes"], "last": steady[-1]["processes"],
                          "max": max(s["processes"] for s in steady)},
            "ended_by": how, "left_behind": len(left), "problems": problems,
            "series": [{k: s[k] for k in ("t", "ui_rss_mb", "lab_rss_mb", "fds", "processes")}
                       for s in samples],
        }
    finally:
        if proc.proc.poll() is None:
            proc.quit()
        kill_leftovers(descendants(proc.pid))
        shutil.rmtree(state_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to walk (default 5)")
    parser.add_argument("--dwell", type=float, default=4.0,
                        help="seconds at each exhibit (default 4)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the keys pressed")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.dwell <= 0:
        parser.error("--minutes and --dwell must be positive")

    def log(*parts) -> None:
        print(*parts, file=sys.stderr if args.json else sys.stdout, flush=True)

    result = soak(args.minutes, args.dwell, args.seed, log)
    ui, lab = result["ui_rss_mb"], result["lab_rss_mb"]
    log(f"\n{result['minutes']} min, {result['laps']} laps over {result['exhibits']} exhibits, "
        f"{result['switches']} switches, {result['keys']} keys")
    log(f"UI RSS   {ui['first']:.0f} → {ui['last']:.0f} MB ({ui['drift_pct']:+.1f}%, max "
        f"{ui['max']:.0f})   target: drift < 5%")
    log(f"lab RSS  {lab['first']:.0f} → {lab['last']:.0f} MB ({lab['drift_pct']:+.1f}%, max "
        f"{lab['max']:.0f})")
    log(f"fds      {result['fds']['first']} → {result['fds']['last']}   processes "
        f"{result['processes']['first']} → {result['processes']['last']}   target: none gained")
    log(f"ended by {result['ended_by']}; left behind {result['left_behind']}; problems: "
        f"{result['problems'] or 'none'}")
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "series"} | {
            "series": result["series"]}))
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
