"""Key -> screen latency while a lab trains flat out, the trainer's throughput, and memory.

    python -m benchmarks.responsiveness [--seconds S] [--json]

Everything is measured from outside, in an 80x24 pty, on the bytes the museum writes:

1. perceptron (`museum --lang en open perceptron`): wait for its lab (control line "paused"),
   press `+` up to "max", space: flat out it converges within the child's first burst and
   shows "finished"; `l` four times ("感知机" / "The Perceptron") with the lab idle;
   → ("XOR and the First Winter").
2. xor (never finishes): wait for its lab, `+` up to "max", space ("running"). Settle 1 s, then a
   window of S seconds with no key: the step counter on the control line at the window's first
   and last redraw gives the child's steps/s; UI and lab-child RSS and CPU are read from /proc.
   Then, still flat out: space x20 ("paused" <-> "running"), `l` x10 ("异或与第一次寒冬" /
   "XOR and the First Winter").
3. ← / → three times each ("The Perceptron" / "XOR and the First Winter"): each switch hands the
   new exhibit the warm child; the one it leaves is recycled into the pool; the next key waits
   until the new lab shows "paused".

A sample is the time from writing the key to the pty to the arrival of the chunk that completes
the expected text, searched only in output after the write. Keys are 150-300 ms apart.
Markers come from museum.i18n and the catalog (neither imports Textual or torch).

Last, the floor: the smallest Textual app whose → builds a new screen (a title and Textual's
Footer, benchmarks/_floor.py) is sent --floor arrows the same way, so the museum's keys that
build screens can be read beside what Textual alone takes for one on this machine, in this run.

trainer_ratio = the child's steps/s in the window / steps/s of a bare in-process LabLoop of the
same lab (xor, seed 0, flat out, torch threads = cpus - 1), run in a separate process for S
seconds once before and once after the UI session (their mean is used).

The machine's CPU load from other processes is measured too (before, and during the window):
on a 2-core machine one busy neighbour takes the core the trainer needs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

from benchmarks._floor import screen_switch_floor
from benchmarks._pty import (
    REPO,
    PtyProcess,
    background_load,
    busy_cores,
    children,
    cmdline,
    cpu_seconds,
    descendants,
    gpu_present,
    kill_leftovers,
    machine_busy,
    median,
    memory_mb,
    museum_argv,
    percentile,
    visitor_env,
    wait_gone,
)

# The app's own words, so the markers follow the strings if they change. These modules are
# standard library only (no Textual, no torch).
from museum.catalog import load as load_catalog
from museum.i18n import t
from museum.lab.loop import SPEEDS


def _speed_label(speed: float) -> str:
    return t("flat_out", "en") if speed <= 0 else t("per_second", "en", n=f"{speed:g}")


SPEED_LABELS = [_speed_label(s) for s in SPEEDS]  # slowest .. "max"
_STEP, _SPEED, _SEED = (t(k, "en") for k in ("step", "speed", "seed"))
SPEED_RE = re.compile(re.escape(f"{_SPEED} ").encode() + rb"(\S+)  " + re.escape(_SEED).encode())
# the control line ("step N  speed …"); the claim line also says "at step N"
STEP_RE = re.compile(re.escape(f"{_STEP} ").encode() + rb"([\d,]+)  " + re.escape(_SPEED).encode())
RUNNING, PAUSED, FINISHED = (t(k, "en") for k in ("state_running", "state_paused", "state_done"))
_CATALOG = load_catalog()
PERCEPTRON = dict(_CATALOG.get("perceptron").title)
XOR = dict(_CATALOG.get("xor").title)

TARGETS = {"p99_ms": 33.0, "trainer_ratio": 0.9, "ui_rss_mb": 120.0, "lab_rss_mb": 500.0}
# keys that change a line of the current screen vs keys that build new screens
GROUPS = {
    "in_screen": ("plus", "space_run", "space_pause"),
    "new_screens": ("lang_idle", "lang_flat_out", "next_exhibit", "prev_exhibit"),
}
BUSY_NEIGHBOUR = 0.25  # CPUs used by other processes above which the figures are flagged


class Aborted(RuntimeError):
    pass


class Session:
    """The museum in a pty, and the samples taken so far."""

    def __init__(self, seconds: float, state_dir: str, log=print):
        self.log = log
        self.seconds = seconds
        self.samples: list[tuple[str, float]] = []
        self.problems: list[str] = []
        self.extra: dict = {"switch_to_ready_ms": [], "run_to_steps_ms": [], "memory": []}
        self.proc = PtyProcess(museum_argv("--lang", "en", "open", "perceptron"),
                               env=visitor_env(state_dir), cols=80, rows=24)

    # -- primitives ---------------------------------------------------------------------------
    def wait(self, marker: str, since: int, timeout: float, what: str):
        hit = self.proc.wait_for(marker, since, timeout)
        if hit is None:
            raise Aborted(f"{what}: {marker!r} not seen within {timeout:.0f} s")
        return hit

    def press(self, label: str, key: str, marker: str | tuple[str, ...], timeout: float = 10.0):
        """Write a key; time until ``marker`` (or the first of several) shows in new output."""
        markers = (marker,) if isinstance(marker, str) else marker
        t0, offset = self.proc.write(key)
        found = self.proc.wait_any([m.encode() for m in markers], offset, timeout)
        if found is None:
            raise Aborted(f"key {key!r} ({label}): {markers} not seen within {timeout:.0f} s")
        hit = found[1]
        self.samples.append((label, (hit.time - t0) * 1000))
        return hit, offset

    @staticmethod
    def gap() -> None:
        time.sleep(random.uniform(0.15, 0.30))

    def current_speed(self) -> str | None:
        matches = SPEED_RE.findall(self.proc.output())
        return matches[-1].decode() if matches else None

    def speed_to_max(self) -> None:
        for _ in range(len(SPEED_LABELS)):
            speed = self.current_speed()
            if speed == SPEED_LABELS[-1]:
                return
            nxt = SPEED_LABELS[SPEED_LABELS.index(speed) + 1] if speed in SPEED_LABELS else SPEED_LABELS[-1]
            self.press("plus", "+", f"{_SPEED} {nxt}  {_SEED}")
            self.gap()
        raise Aborted("the speed never reached max")

    def lab_children(self) -> list[int]:
        return [p for p in children(self.proc.pid) if "museum.lab.child" in cmdline(p)]

    def switch(self, label: str, key: str, title: str) -> None:
        hit, offset = self.press(label, key, title)
        ready = self.wait(PAUSED, offset, 30.0, f"lab ready after {key}")
        self.extra["switch_to_ready_ms"].append((ready.time - hit.time) * 1000)
        self.gap()

    def lab_moves(self, hit, offset: int) -> None:
        """After space -> running: time until the lab's own update shows a new step count.

        The control line shows "running" as soon as the UI reads the key; this is the lab's
        answer (its current burst, the pipe both ways, and a redraw).
        """
        t0 = hit.time - self.samples[-1][1] / 1000
        shown = STEP_RE.findall(self.proc.output(0, offset))
        last = shown[-1] if shown else None
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            for m in STEP_RE.finditer(self.proc.output(offset)):
                if m.group(1) != last:
                    moved = self.proc.time_at(offset + m.end() - 1)
                    self.extra["run_to_steps_ms"].append((moved - t0) * 1000)
                    return
            time.sleep(0.005)
        self.problems.append("after space the step counter did not move within 10 s")

    # -- the visit ----------------------------------------------------------------------------
    def run(self) -> None:
        hit = self.wait(PAUSED, 0, 60.0, "perceptron lab ready")
        self.extra["perceptron_ready_s"] = hit.time - self.proc.t_start
        self.log(f"perceptron lab ready {self.extra['perceptron_ready_s']:.2f} s after start")
        self.gap()
        self.speed_to_max()
        # flat out the perceptron converges (~120 steps) inside the child's first 5 ms burst,
        # so the first redraw after space may already say "finished" rather than "running"
        _, offset = self.press("space_run", "space", (RUNNING, FINISHED))
        self.wait(FINISHED, offset, 20.0, "perceptron converges")
        self.gap()
        for lang in ("zh", "en", "zh", "en"):
            self.press("lang_idle", "l", PERCEPTRON[lang])
            self.gap()

        self.switch("next_exhibit", "right", XOR["en"])
        self.speed_to_max()
        self.press("space_run", "space", RUNNING)
        time.sleep(1.0)
        self.log(f"xor flat out; throughput window of {self.seconds:g} s ...")
        self.measure_window()

        for _ in range(10):
            self.press("space_pause", "space", PAUSED)
            self.gap()
            self.lab_moves(*self.press("space_run", "space", RUNNING))
            self.gap()
        for lang in ("zh", "en") * 5:
            self.press("lang_flat_out", "l", XOR[lang])
            self.gap()
        self.sample_memory("after keys")

        for _ in range(3):
            self.switch("prev_exhibit", "left", PERCEPTRON["en"])
            self.switch("next_exhibit", "right", XOR["en"])
        self.sample_memory("end")

    def measure_window(self) -> None:
        proc = self.proc
        labs = self.lab_children()
        ours = [proc.pid, *labs, os.getpid()]
        cpu0 = {p: cpu_seconds(p) for p in ours}
        busy0 = machine_busy()
        start, t0 = proc.mark(), time.perf_counter()
        time.sleep(self.seconds)
        end, wall = proc.mark(), time.perf_counter() - t0
        busy = busy_cores(busy0, machine_busy())
        cpu = {p: (cpu_seconds(p) - cpu0[p]) / wall for p in ours}
        chunk = proc.output(start, end)
        seen = [(int(m.group(1).replace(b",", b"")), proc.time_at(start + m.end() - 1))
                for m in STEP_RE.finditer(chunk)]
        if len(seen) < 2 or seen[-1][1] <= seen[0][1]:
            raise Aborted("the step counter did not move during the window")
        (n0, t_first), (n1, t_last) = seen[0], seen[-1]
        active = max(labs, key=lambda p: cpu[p]) if labs else None
        self.extra["active_child"] = active
        self.extra["window"] = {
            "seconds": wall, "redraws": len(seen), "first_step": n0, "last_step": n1,
            "steps_per_s": (n1 - n0) / (t_last - t_first),
            "cpu": {"ui": cpu[proc.pid], "lab": cpu.get(active, 0.0),
                    "warm": sum(cpu[p] for p in labs if p != active), "bench": cpu[os.getpid()],
                    "machine": busy, "others": max(0.0, busy - sum(cpu.values()))},
        }
        self.sample_memory("flat out")

    def sample_memory(self, when: str) -> None:
        labs = {pid: memory_mb(pid) for pid in self.lab_children()}
        self.extra["memory"].append({"when": when, "ui": memory_mb(self.proc.pid), "labs": labs})

    def finish(self) -> dict:
        kids = descendants(self.proc.pid)
        how = self.proc.quit()
        left = wait_gone(kids, timeout=5.0)
        if left:
            self.problems.append(
                f"processes left behind after the UI ended: {[(p, cmdline(p)) for p in left]}")
            kill_leftovers(left)
        if how != "q":
            self.problems.append(f"the museum did not end on q (needed {how})")
        return {"ended_by": how, "children": len(kids), "left_behind": left,
                "exit_code": self.proc.proc.returncode}


def baseline(slug: str, seconds: float) -> dict:
    busy0 = machine_busy()
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks._baseline", slug, str(seconds)],
        cwd=REPO, capture_output=True, text=True, timeout=seconds + 120,
    )
    if out.returncode != 0:
        raise RuntimeError(f"baseline failed: {out.stderr.strip()[-500:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["machine_cores_busy"] = busy_cores(busy0, machine_busy())  # ~1.0 when alone
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.responsiveness", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="length of the throughput window and of each baseline run (default 10)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--seed", type=int, default=0, help="seed for the gaps between keys")
    parser.add_argument("--floor", type=int, default=100,
                        help="arrows sent to the two-screen Textual app (default 100; 0: none)")
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    random.seed(args.seed)

    def log(*parts) -> None:
        print(*parts, file=sys.stderr, flush=True)

    background = background_load(1.0)
    log(f"other load on the machine before starting: {background:.2f} CPUs")
    log(f"baseline: bare LabLoop(xor) flat out for {args.seconds:g} s ...")
    bare = [baseline("xor", args.seconds)]
    log(f"  {bare[0]['steps_per_s']:,.0f} steps/s")

    state_dir = tempfile.mkdtemp(prefix="museum-bench-")
    session = Session(args.seconds, state_dir, log=log)
    aborted = None
    try:
        session.run()
    except Aborted as exc:
        aborted = str(exc)
        session.problems.append(f"aborted: {exc}")
    finally:
        ended = session.finish()
        shutil.rmtree(state_dir, ignore_errors=True)

    log(f"baseline again: bare LabLoop(xor) flat out for {args.seconds:g} s ...")
    bare.append(baseline("xor", args.seconds))
    log(f"  {bare[1]['steps_per_s']:,.0f} steps/s")
    bare_rate = sum(b["steps_per_s"] for b in bare) / len(bare)
    floor = None
    if args.floor > 0:
        log(f"floor: {args.floor} arrows to a two-screen Textual app ...")
        floor = screen_switch_floor(args.floor, args.seed)

    # -- figures -------------------------------------------------------------------------------
    values = [ms for _, ms in session.samples]
    latency = {
        "p50": round(percentile(values, 50), 1) if values else None,
        "p99": round(percentile(values, 99), 1) if values else None,
        "max": round(max(values), 1) if values else None,
        "n": len(values),
    }
    per_key = {}
    for key in dict.fromkeys(k for k, _ in session.samples):
        vals = [ms for k, ms in session.samples if k == key]
        per_key[key] = {"n": len(vals), "p50": round(median(vals), 1), "max": round(max(vals), 1)}

    groups = {}
    for group, keys in GROUPS.items():
        vals = [ms for k, ms in session.samples if k in keys]
        if vals:
            groups[group] = {"p50": round(percentile(vals, 50), 1), "p99": round(percentile(vals, 99), 1),
                             "n": len(vals)}

    window = session.extra.get("window")
    child_rate = window["steps_per_s"] if window else None
    ratio = child_rate / bare_rate if child_rate else None
    memory = session.extra["memory"]
    active = session.extra.get("active_child")
    ui_rss = max((m["ui"]["rss"] for m in memory if m["ui"]["rss"]), default=None)
    ui_peak = max((m["ui"]["hwm"] for m in memory if m["ui"]["hwm"]), default=None)
    flat = next((m for m in memory if m["when"] == "flat out"), None)
    lab_rss = warm_rss = None
    if flat and active in flat["labs"]:
        lab_rss = flat["labs"][active]["rss"]
        spare = [v["rss"] for p, v in flat["labs"].items() if p != active and v["rss"]]
        warm_rss = max(spare) if spare else None
    lab_peak = max((v["hwm"] for m in memory for v in m["labs"].values() if v["hwm"]), default=None)
    switch_ms = session.extra["switch_to_ready_ms"]
    moves_ms = session.extra["run_to_steps_ms"]
    others = window["cpu"]["others"] if window else None
    if background > BUSY_NEIGHBOUR or (others or 0) > BUSY_NEIGHBOUR:
        session.problems.append(
            f"other processes kept {max(background, others or 0):.2f} CPUs busy: on a 2-core "
            "machine the figures are then pessimistic (run again when the machine is quiet)")

    met = {
        "p99_ms": latency["p99"] is not None and latency["p99"] <= TARGETS["p99_ms"],
        "trainer_ratio": ratio is not None and ratio >= TARGETS["trainer_ratio"],
        "ui_rss_mb": ui_rss is not None and ui_rss <= TARGETS["ui_rss_mb"],
        "lab_rss_mb": lab_rss is not None and lab_rss <= TARGETS["lab_rss_mb"],
    }

    def verdict(name: str) -> str:
        return "met" if met[name] else "MISSED"

    print()
    print("responsiveness: 80x24 pty, `museum --lang en open perceptron`, then xor flat out")
    if values:
        print(f"  key -> screen: p50 {latency['p50']:.1f} ms, p99 {latency['p99']:.1f} ms,"
              f" max {latency['max']:.1f} ms over {latency['n']} keys"
              f"   (target p99 <= {TARGETS['p99_ms']:g} ms: {verdict('p99_ms')})")
        for key, s in per_key.items():
            print(f"    {key:14s} n={s['n']:3d}  p50 {s['p50']:7.1f} ms  max {s['max']:7.1f} ms")
        for group, s in groups.items():
            print(f"    {group + ' keys':18s} p50 {s['p50']:7.1f} ms  p99 {s['p99']:7.1f} ms  (n={s['n']})")
    if floor and floor.get("n"):
        print(f"  floor, Textual alone (a fresh screen of a title and its Footer, →): p50"
              f" {floor['p50']:.1f} ms, p99 {floor['p99']:.1f} ms, max {floor['max']:.1f} ms"
              f" (n={floor['n']})")
    elif floor:
        session.problems.append(f"floor: {floor.get('problem')}")
    if switch_ms:
        print(f"  exhibit switch -> its lab ready (\"paused\" shown): median {median(switch_ms):.0f} ms,"
              f" max {max(switch_ms):.0f} ms (n={len(switch_ms)})")
    if moves_ms:
        print(f"  space -> the lab's own steps move (its answer; \"running\" shows before it):"
              f" median {median(moves_ms):.0f} ms, max {max(moves_ms):.0f} ms (n={len(moves_ms)})")
    if window:
        cpu = window["cpu"]
        runs = ", ".join(format(b["steps_per_s"], ",.0f") for b in bare)
        print(f"  trainer: {child_rate:,.0f} steps/s in the lab child ({window['seconds']:.1f} s window,"
              f" {window['redraws']} redraws) vs {bare_rate:,.0f} bare in-process ({runs})")
        print(f"  trainer_ratio {ratio:.3f}   (target >= {TARGETS['trainer_ratio']:g}:"
              f" {verdict('trainer_ratio')})")
        print(f"  CPU in the window (cores): UI {cpu['ui']:.2f}, lab child {cpu['lab']:.2f},"
              f" warm spare {cpu['warm']:.2f}, this benchmark {cpu['bench']:.2f},"
              f" other processes {cpu['others']:.2f} (machine {cpu['machine']:.2f} of {os.cpu_count()})")
    if ui_rss:
        print(f"  UI RSS {ui_rss:.0f} MB (peak {ui_peak:.0f} MB)   (target <= {TARGETS['ui_rss_mb']:g} MB:"
              f" {verdict('ui_rss_mb')})")
    if lab_rss:
        print(f"  lab child RSS {lab_rss:.0f} MB (peak of any lab child {lab_peak:.0f} MB)"
              f"   (target <= {TARGETS['lab_rss_mb']:g} MB: {verdict('lab_rss_mb')})")
    if warm_rss:
        print(f"  warm spare child RSS {warm_rss:.0f} MB (kept ready beside the active lab)")
    print(f"  other load before start {background:.2f} CPUs;  gpu: {gpu_present()};"
          f"  after q: {len(ended['left_behind'])} of {ended['children']} child processes left,"
          f" ended by {ended['ended_by']}")
    for problem in session.problems:
        print(f"  NOTE: {problem}")

    if args.json:
        def r(value, digits=1):
            return round(value, digits) if isinstance(value, (int, float)) else value

        print(json.dumps({
            "key_latency_ms": latency,
            "per_key_ms": per_key,
            "groups_ms": groups,
            "floor_new_screen_ms": floor,
            "samples_ms": [[label, r(ms)] for label, ms in session.samples],  # in the order sent
            "trainer_ratio": r(ratio, 3),
            "trainer_steps_per_s": {"child": r(child_rate, 0), "bare": r(bare_rate, 0),
                                    "bare_runs": [r(b["steps_per_s"], 0) for b in bare]},
            "ui_rss_mb": r(ui_rss), "ui_peak_mb": r(ui_peak),
            "lab_rss_mb": r(lab_rss), "lab_peak_mb": r(lab_peak), "warm_child_rss_mb": r(warm_rss),
            "window_cpu_cores": {k: r(v, 2) for k, v in window["cpu"].items()} if window else None,
            "other_load_before": r(background, 2),
            "switch_to_ready_ms": {"median": r(median(switch_ms), 0) if switch_ms else None,
                                   "max": r(max(switch_ms), 0) if switch_ms else None},
            "run_to_steps_ms": {"median": r(median(moves_ms), 0) if moves_ms else None,
                                "max": r(max(moves_ms), 0) if moves_ms else None},
            "perceptron_ready_s": r(session.extra.get("perceptron_ready_s"), 2),
            "seconds": args.seconds,
            "gpu": gpu_present(),
            "targets": TARGETS,
            "met": met,
            "left_behind": len(ended["left_behind"]),
            "problems": session.problems,
        }, ensure_ascii=False))
    return 1 if aborted or not values else 0


if __name__ == "__main__":
    sys.exit(main())
