"""Key -> screen latency while a lab trains flat out, the trainer's throughput, and memory.

    python -m benchmarks.responsiveness [--seconds S] [--json]

Everything is measured from outside, in an 80x24 pty, on the bytes the museum writes:

1. perceptron (`museum --lang en open perceptron`): wait for the lab ("⏸ paused"), press `+` up to
   "max", space ("▶ running"); it converges and stops ("■ finished"); `l` four times
   ("感知机" / "The Perceptron"); → ("XOR and the First Winter").
2. xor (never finishes): wait for its lab, `+` up to "max", space. Settle 1 s, then a window of
   S seconds with no key: the step counter on the control line at the window's first and last
   redraw gives the child's steps/s. UI and lab-child RSS are read from /proc here.
   Then, still flat out: space x20 ("⏸ paused" <-> "▶ running"), `l` x10 ("异或与第一次寒冬" /
   "XOR and the First Winter").
3. ← / → three times each ("The Perceptron" / "XOR and the First Winter"); each switch hands the
   new exhibit a warm child and starts the next one (a torch import) — we wait until the new lab
   shows "⏸ paused" before the next key.

Each sample is the time from writing the key to the pty to the arrival of the chunk that
completes the expected text, searched only in output after the write. Keys are 150-300 ms apart.

trainer_ratio = the child's steps/s in the window / steps/s of a bare in-process LabLoop of the
same lab (xor, seed 0, flat out, torch threads = cpus - 1) run in a separate process for the
same S seconds, once before and once after the UI session (the mean is used).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

from benchmarks._pty import (
    REPO, PtyProcess, cpu_seconds, cmdline, children, descendants, gpu_present, kill_leftovers,
    median, memory_mb, museum_argv, percentile, visitor_env, wait_gone,
)

SPEED_LABELS = ["1/s", "2/s", "5/s", "10/s", "20/s", "50/s", "100/s", "1000/s", "max"]
SPEED_RE = re.compile(rb"speed (\S+)  seed")
STEP_RE = re.compile(rb"step ([\d,]+)  speed")  # the control line (the claim line also says "step")

RUNNING, PAUSED, FINISHED = "▶ running", "⏸ paused", "■ finished"
PERCEPTRON = {"en": "The Perceptron", "zh": "感知机"}
XOR = {"en": "XOR and the First Winter", "zh": "异或与第一次寒冬"}

TARGETS = {"p99_ms": 33.0, "trainer_ratio": 0.9, "ui_rss_mb": 120.0, "lab_rss_mb": 500.0}


class Aborted(RuntimeError):
    pass


class Session:
    """The museum in a pty, with the samples taken so far."""

    def __init__(self, seconds: float, state_dir: str, log=print):
        self.log = log
        self.proc = PtyProcess(museum_argv("--lang", "en", "open", "perceptron"),
                               env=visitor_env(state_dir), cols=80, rows=24)
        self.samples: list[tuple[str, float]] = []
        self.problems: list[str] = []
        self.extra: dict = {}
        self.seconds = seconds

    # -- primitives ---------------------------------------------------------------------------
    def wait(self, marker: str, since: int, timeout: float, what: str):
        hit = self.proc.wait_for(marker, since, timeout)
        if hit is None:
            raise Aborted(f"{what}: {marker!r} not seen within {timeout:.0f} s")
        return hit

    def press(self, label: str, key: str, marker: str, timeout: float = 10.0, record: bool = True):
        t, offset = self.proc.write(key)
        hit = self.proc.wait_for(marker, offset, timeout)
        if hit is None:
            self.problems.append(f"key {label!r}: {marker!r} not seen within {timeout:.0f} s")
            raise Aborted(self.problems[-1])
        ms = (hit.time - t) * 1000
        if record:
            self.samples.append((label, ms))
        return hit, offset

    def gap(self) -> None:
        time.sleep(random.uniform(0.15, 0.30))

    def current_speed(self) -> str | None:
        matches = SPEED_RE.findall(self.proc.output())
        return matches[-1].decode() if matches else None

    def speed_to_max(self) -> None:
        for _ in range(len(SPEED_LABELS)):
            speed = self.current_speed()
            if speed == "max":
                return
            nxt = SPEED_LABELS[SPEED_LABELS.index(speed) + 1] if speed in SPEED_LABELS else "max"
            self.press("+", "+", f"speed {nxt}  seed")
            self.gap()
        raise Aborted("speed never reached max")

    def lab_children(self) -> list[int]:
        return [p for p in children(self.proc.pid) if "museum.lab.child" in cmdline(p)]

    # -- the visit ----------------------------------------------------------------------------
    def run(self) -> None:
        proc = self.proc
        hit = self.wait(PAUSED, 0, 60.0, "perceptron lab ready")
        self.extra["perceptron_ready_s"] = hit.time - proc.t_start
        self.log(f"perceptron lab ready {self.extra['perceptron_ready_s']:.2f} s after start")
        self.gap()
        self.speed_to_max()
        _, offset = self.press("space", "space", RUNNING)
        self.wait(FINISHED, offset, 20.0, "perceptron converges")
        self.gap()
        for lang in ("zh", "en", "zh", "en"):
            self.press("l", "l", PERCEPTRON[lang])
            self.gap()

        # xor: flat out, then the throughput window
        hit, offset = self.press("right", "right", XOR["en"])
        ready = self.wait(PAUSED, offset, 30.0, "xor lab ready")
        self.extra["switch_to_ready_ms"] = [(ready.time - hit.time) * 1000]
        self.gap()
        self.speed_to_max()
        self.press("space", "space", RUNNING)
        time.sleep(1.0)
        self.measure_window()

        for _ in range(10):
            self.press("space", "space", PAUSED)
            self.gap()
            self.press("space", "space", RUNNING)
            self.gap()
        for lang in ("zh", "en") * 5:
            self.press("l", "l", XOR[lang])
            self.gap()
        self.sample_memory("after toggles")

        for _ in range(3):
            for key, title in (("left", PERCEPTRON["en"]), ("right", XOR["en"])):
                hit, offset = self.press(key, key, title)
                ready = self.wait(PAUSED, offset, 30.0, f"lab ready after {key}")
                self.extra["switch_to_ready_ms"].append((ready.time - hit.time) * 1000)
                self.gap()
        self.sample_memory("end")

    def measure_window(self) -> None:
        proc = self.proc
        labs = self.lab_children()
        cpu0 = {p: cpu_seconds(p) for p in labs}
        ui_cpu0 = cpu_seconds(proc.pid)
        start = proc.mark()
        t0 = time.perf_counter()
        time.sleep(self.seconds)
        end = proc.mark()
        wall = time.perf_counter() - t0
        cpu = {p: cpu_seconds(p) - cpu0[p] for p in labs}
        self.extra["ui_cpu_share"] = (cpu_seconds(proc.pid) - ui_cpu0) / wall
        chunk = proc.output(start, end)
        seen = [(int(m.group(1).replace(b",", b"")), proc.time_at(start + m.end() - 1))
                for m in STEP_RE.finditer(chunk)]
        if len(seen) < 2 or seen[-1][1] <= seen[0][1]:
            raise Aborted("the step counter did not move during the window")
        (n0, t_first), (n1, t_last) = seen[0], seen[-1]
        self.extra["window"] = {
            "seconds": wall, "redraws": len(seen), "first_step": n0, "last_step": n1,
            "steps_per_s": (n1 - n0) / (t_last - t_first),
        }
        active = max(cpu, key=cpu.get) if cpu else None
        self.extra["active_child"] = active
        if active is not None:
            self.extra["lab_cpu_share"] = cpu[active] / wall
        self.sample_memory("flat out")

    def sample_memory(self, when: str) -> None:
        ui = memory_mb(self.proc.pid)
        mem = self.extra.setdefault("memory", [])
        labs = {}
        for pid in self.lab_children():
            labs[pid] = memory_mb(pid)
        mem.append({"when": when, "ui": ui, "labs": labs, "active": self.extra.get("active_child")})

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
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks._baseline", slug, str(seconds)],
        cwd=REPO, capture_output=True, text=True, timeout=seconds + 120,
    )
    if out.returncode != 0:
        raise RuntimeError(f"baseline failed: {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.responsiveness", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="length of the throughput window and of each baseline run (default 10)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--seed", type=int, default=0, help="seed for the gaps between keys")
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    random.seed(args.seed)
    log = lambda *a: print(*a, file=sys.stderr)  # noqa: E731

    log(f"baseline: bare LabLoop(xor) flat out for {args.seconds:g} s ...")
    bare = [baseline("xor", args.seconds)]
    log(f"  {bare[0]['steps_per_s']:,.0f} steps/s")

    state_dir = tempfile.mkdtemp(prefix="museum-bench-")
    session = Session(args.seconds, state_dir, log=log)
    error = None
    try:
        session.run()
    except Aborted as exc:
        error = str(exc)
        session.problems.append(f"aborted: {exc}")
    finally:
        ended = session.finish()
        shutil.rmtree(state_dir, ignore_errors=True)

    log(f"baseline again: bare LabLoop(xor) flat out for {args.seconds:g} s ...")
    bare.append(baseline("xor", args.seconds))
    log(f"  {bare[1]['steps_per_s']:,.0f} steps/s")
    bare_rate = sum(b["steps_per_s"] for b in bare) / len(bare)

    samples = session.samples
    values = [ms for _, ms in samples]
    latency = {
        "p50": round(percentile(values, 50), 2) if values else None,
        "p99": round(percentile(values, 99), 2) if values else None,
        "max": round(max(values), 2) if values else None,
        "n": len(values),
    }
    per_key = {}
    for key in dict.fromkeys(k for k, _ in samples):
        vals = [ms for k, ms in samples if k == key]
        per_key[key] = {"n": len(vals), "p50": round(median(vals), 2), "max": round(max(vals), 2)}

    window = session.extra.get("window")
    ui_rate = window["steps_per_s"] if window else None
    ratio = ui_rate / bare_rate if ui_rate else None
    memory = session.extra.get("memory", [])
    active = session.extra.get("active_child")
    ui_rss = max((m["ui"]["rss"] for m in memory if m["ui"]["rss"]), default=None)
    ui_peak = max((m["ui"]["hwm"] for m in memory if m["ui"]["hwm"]), default=None)
    flat = next((m for m in memory if m["when"] == "flat out"), None)
    lab_rss = warm_rss = None
    if flat and active in flat["labs"]:
        lab_rss = flat["labs"][active]["rss"]
        others = [v["rss"] for p, v in flat["labs"].items() if p != active and v["rss"]]
        warm_rss = max(others) if others else None
    lab_peak = max((v["hwm"] for m in memory for v in m["labs"].values() if v["hwm"]), default=None)
    switch_ms = session.extra.get("switch_to_ready_ms", [])

    met = {
        "p99_ms": latency["p99"] is not None and latency["p99"] <= TARGETS["p99_ms"],
        "trainer_ratio": ratio is not None and ratio >= TARGETS["trainer_ratio"],
        "ui_rss_mb": ui_rss is not None and ui_rss <= TARGETS["ui_rss_mb"],
        "lab_rss_mb": lab_rss is not None and lab_rss <= TARGETS["lab_rss_mb"],
    }
    yes = lambda ok: "met" if ok else "MISSED"  # noqa: E731

    print()
    print("responsiveness, 80x24 pty, museum --lang en open perceptron -> xor flat out")
    if latency["n"]:
        print(f"  key -> screen latency: p50 {latency['p50']:.1f} ms, p99 {latency['p99']:.1f} ms,"
              f" max {latency['max']:.1f} ms over {latency['n']} keys"
              f"   (target p99 <= {TARGETS['p99_ms']:g} ms: {yes(met['p99_ms'])})")
        for key, s in per_key.items():
            print(f"    {key:6s} n={s['n']:3d}  p50 {s['p50']:7.1f} ms  max {s['max']:7.1f} ms")
    if switch_ms:
        print(f"  exhibit switch -> new lab ready ('paused' shown): median {median(switch_ms):.0f} ms,"
              f" max {max(switch_ms):.0f} ms (n={len(switch_ms)})")
    if window:
        bare_runs = ", ".join(format(b["steps_per_s"], ",.0f") for b in bare)
        print(f"  trainer: {ui_rate:,.0f} steps/s in the child (window {window['seconds']:.1f} s,"
              f" {window['redraws']} redraws) vs {bare_rate:,.0f} bare in-process"
              f" ({bare_runs})")
        print(f"  trainer_ratio {ratio:.3f}   (target >= {TARGETS['trainer_ratio']}:"
              f" {yes(met['trainer_ratio'])})")
        print(f"  CPU while flat out: UI {session.extra.get('ui_cpu_share', 0):.0%} of a core,"
              f" lab child {session.extra.get('lab_cpu_share', 0):.0%}")
    if ui_rss:
        print(f"  UI RSS {ui_rss:.0f} MB (peak {ui_peak:.0f} MB)   (target <= {TARGETS['ui_rss_mb']:g} MB:"
              f" {yes(met['ui_rss_mb'])})")
    if lab_rss:
        print(f"  lab child RSS {lab_rss:.0f} MB (peak of any lab child {lab_peak:.0f} MB)"
              f"   (target <= {TARGETS['lab_rss_mb']:g} MB: {yes(met['lab_rss_mb'])})")
    if warm_rss:
        print(f"  warm spare child RSS {warm_rss:.0f} MB (one is kept ready beside the active lab)")
    print(f"  gpu: {gpu_present()}   processes after q: {len(ended['left_behind'])} left behind"
          f" of {ended['children']}; ended by {ended['ended_by']}")
    for problem in session.problems:
        print(f"  PROBLEM: {problem}")

    if args.json:
        r = lambda v, n=1: round(v, n) if isinstance(v, (int, float)) else v  # noqa: E731
        print(json.dumps({
            "key_latency_ms": latency,
            "per_key_ms": per_key,
            "trainer_ratio": r(ratio, 3),
            "trainer_steps_per_s": {"child": r(ui_rate, 0), "bare": r(bare_rate, 0),
                                    "bare_runs": [r(b["steps_per_s"], 0) for b in bare]},
            "ui_rss_mb": r(ui_rss), "ui_peak_mb": r(ui_peak),
            "lab_rss_mb": r(lab_rss), "lab_peak_mb": r(lab_peak), "warm_child_rss_mb": r(warm_rss),
            "switch_to_ready_ms": {"median": r(median(switch_ms), 0) if switch_ms else None,
                                   "max": r(max(switch_ms), 0) if switch_ms else None},
            "perceptron_ready_s": r(session.extra.get("perceptron_ready_s"), 2),
            "gpu": gpu_present(),
            "targets": TARGETS,
            "met": met,
            "left_behind": len(ended["left_behind"]),
            "problems": session.problems,
        }, ensure_ascii=False))
    return 1 if error or not latency["n"] else 0


if __name__ == "__main__":
    sys.exit(main())
