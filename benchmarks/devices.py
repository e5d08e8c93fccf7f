"""What each lab gains from a GPU: the same run on the CPU and, where one is present, on CUDA.

    python -m benchmarks.devices [--steps N] [--slugs a,b] [--json]

Each torch lab runs through `museum run SLUG --steps N --seed 0 --json --device D` in a fresh
process, as a visitor's `museum run` would; the time is the whole command (torch import and
data included, the same on both devices). Without a GPU the
benchmark says so and reports the CPU alone. The labs are small, so a GPU often gains little or
loses (kernel launches cost more than the arithmetic): the figures say which.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from benchmarks._pty import REPO, gpu_present
from museum.catalog import load as load_catalog


def run(slug: str, steps: int, device: str) -> dict:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "museum.cli", "run", slug, "--steps", str(steps), "--seed", "0",
         "--json", "--device", device],
        capture_output=True, text=True, cwd=REPO, timeout=1800,
    )
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        return {"device": device, "error": (out.stderr.strip().splitlines() or ["?"])[-1]}
    report = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "device": device, "seconds": round(seconds, 2), "steps": report["steps"],
        "claim_met": report["claim_met"], "claim_step": report["claim_step"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.devices", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=300, help="steps per lab (default 300)")
    parser.add_argument("--slugs", help="comma-separated exhibits (default: every torch lab)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    slugs = args.slugs.split(",") if args.slugs else [
        e.slug for e in catalog.exhibits if e.needs_torch]
    unknown = [s for s in slugs if catalog.get(s) is None]
    if unknown:
        parser.error(f"unknown exhibit(s): {', '.join(unknown)}")
    gpu = gpu_present()
    devices = ["cpu", "cuda"] if gpu else ["cpu"]
    out = sys.stderr if args.json else sys.stdout
    print(f"GPU present: {'yes' if gpu else 'no: CPU figures only'}", file=out)
    rows = []
    for slug in slugs:
        results = {d: run(slug, args.steps, d) for d in devices}
        row = {"slug": slug, **results}
        cpu, cuda = results["cpu"], results.get("cuda")
        if cuda and "seconds" in cuda and "seconds" in cpu:
            row["gpu_speedup"] = round(cpu["seconds"] / cuda["seconds"], 2)
        rows.append(row)
        line = f"{slug:18} cpu {cpu.get('seconds', cpu.get('error'))} s"
        if cuda:
            line += f"   cuda {cuda.get('seconds', cuda.get('error'))} s"
            if "gpu_speedup" in row:
                line += f"   ×{row['gpu_speedup']}"
        print(line, file=out, flush=True)
    if args.json:
        print(json.dumps({"gpu": gpu, "steps": args.steps, "labs": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
