"""The front door: `museum`, `museum open SLUG`, `museum list`, `museum run SLUG`.

Bad usage prints what is valid and exits 2; nothing the visitor types ends in a traceback.
``museum`` alone, the door most visitors use, opens the lobby without building the parser:
argparse, its imports and the subcommands were ~6 ms of the first paint.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from museum import __version__
from museum.i18n import LANGS, default_lang, pick

if TYPE_CHECKING:
    import argparse

MAX_STEPS = 10_000_000
MAX_SEED = 2**31 - 1


def _int_in(lo: int, hi: int, what: str):
    import argparse

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number, not {text!r}"
            ) from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{what} must be between {lo:,} and {hi:,}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    import argparse

    lang_parent = argparse.ArgumentParser(add_help=False)
    lang_parent.add_argument(
        "--lang", choices=LANGS, default=argparse.SUPPRESS,
        help="language: en or zh (default from LC_ALL/LANG)",
    )
    parser = argparse.ArgumentParser(
        prog="museum", parents=[lang_parent],
        description="A terminal museum of neural-network history, 1943–2025.",
    )
    parser.add_argument("--version", action="version", version=f"museum {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="{open,list,run}")
    open_cmd = commands.add_parser("open", parents=[lang_parent], help="open one exhibit")
    open_cmd.add_argument("slug")
    commands.add_parser("list", parents=[lang_parent], help="list rooms and exhibits")
    run = commands.add_parser(
        "run", parents=[lang_parent], help="train an exhibit's lab headless and check its claim"
    )
    run.add_argument("slug")
    run.add_argument("--steps", type=_int_in(0, MAX_STEPS, "--steps"), default=1000)
    run.add_argument("--seed", type=_int_in(0, MAX_SEED, "--seed"), default=0)
    run.add_argument("--json", action="store_true", help="end with one JSON line on stdout")
    run.add_argument("--device", default="cpu", help="cpu (default), or cuda where present")
    return parser


def _unknown_slug(parser: argparse.ArgumentParser, slug: str, catalog) -> None:
    parser.exit(2, f"museum: unknown exhibit {slug!r}. Valid: {', '.join(catalog.slugs)}\n")


def main(argv: list[str] | None = None) -> int:
    if not (sys.argv[1:] if argv is None else argv):
        return open_museum(None, None)
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", None)
    from museum.catalog import load

    catalog = load()
    if args.command == "list":
        return list_exhibits(catalog, lang or default_lang())
    if args.command == "run":
        if catalog.get(args.slug) is None:
            _unknown_slug(parser, args.slug, catalog)
        return run_headless(parser, catalog.get(args.slug), args, lang or default_lang())
    start = None
    if args.command == "open":
        if catalog.get(args.slug) is None:
            _unknown_slug(parser, args.slug, catalog)
        start = args.slug
    return open_museum(lang, start)


def list_exhibits(catalog, lang: str) -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=None, show_lines=False)
    for column in ("room", "slug", "year", "title"):
        table.add_column(column, no_wrap=column != "title")
    for room in catalog.rooms:
        for exhibit in catalog.in_room(room.slug):
            table.add_row(
                f"{pick(room.title, lang)} ({room.years})", exhibit.slug, str(exhibit.year),
                pick(exhibit.title, lang),
            )
    Console().print(table)
    return 0


def run_headless(parser, exhibit, args, lang: str) -> int:
    from museum.lab.api import FAILED
    from museum.lab.loop import LabLoop, resolve, trains

    if exhibit.needs_torch:
        import torch

        torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))  # as the lab child does
        if args.device != "cpu":
            try:
                torch.empty(1, device=args.device)
            except Exception as exc:
                parser.exit(2, f"museum: device {args.device!r} is not usable here ({exc})\n")
    elif args.device != "cpu":
        print(f"museum: {exhibit.slug} runs on the cpu; --device ignored", file=sys.stderr)
    lab_class = resolve(exhibit.lab)
    loop = LabLoop(lab_class, seed=args.seed, params=exhibit.params, device=args.device, speed=0)
    started = last_report = time.monotonic()
    steps = args.steps if trains(lab_class) else 0
    try:
        while loop.step_count < steps and loop.advance():
            now = time.monotonic()
            if now - last_report >= 1.0:
                last_report = now
                shown = " ".join(f"{k}={v:.4g}" for k, v in loop.metrics.items())
                print(f"step {loop.step_count:,}/{steps:,} {shown}", file=sys.stderr)
    except KeyboardInterrupt:
        print(f"museum: interrupted at step {loop.step_count:,}", file=sys.stderr)
        return 130
    seconds = time.monotonic() - started
    result = {
        "slug": exhibit.slug,
        "steps": loop.step_count,
        "seed": args.seed,
        "metrics": loop.metrics,
        "claim": pick(exhibit.claim, lang),
        "claim_met": loop.claim_ok,
        "claim_step": loop.claim_step,
    }
    summary = [
        f"{exhibit.slug}: {loop.step_count:,} steps in {seconds:.2f} s (seed {args.seed}),"
        f" state {loop.state}",
        "metrics: " + (" ".join(f"{k}={v:.4g}" for k, v in loop.metrics.items()) or "none"),
        f"claim: {result['claim']}",
        f"claim met: {'yes, at step ' + format(loop.claim_step, ',') if loop.claim_ok else 'no'}",
    ]
    if loop.error:
        summary.append(f"note: {loop.error}")
    print("\n".join(summary), file=sys.stderr if args.json else sys.stdout)
    if args.json:
        import json

        print(json.dumps(result, ensure_ascii=False))
    return 1 if loop.state == FAILED else 0


LEAVE_SECONDS = 3.0  # after a signal, how long a clean exit may take before a hard one
# Textual draws at most TEXTUAL_FPS frames a second (60 by default): a key pressed just after
# a frame (a training lab's come ten a second) waited up to 17 ms for the next one. At 120 it
# waits up to 8; frames are drawn only when something changed, so an idle museum draws none.
FRAMES_PER_SECOND = "120"


def open_museum(lang: str | None, start: str | None) -> int:
    import signal
    import threading

    os.environ.setdefault("TEXTUAL_FPS", FRAMES_PER_SECOND)  # read when Textual is imported
    from museum.app import MuseumApp

    app = MuseumApp(lang=lang, start=start)  # it starts the warm lab child once painted

    armed = threading.Event()

    def leave(*_):  # SIGINT, SIGTERM, SIGHUP: end cleanly, children included
        app.exit()
        if not armed.is_set():
            armed.set()
            threading.Thread(target=leave_anyway, daemon=True, name="leave-anyway").start()

    def leave_anyway() -> None:
        # When the terminal itself is gone (a closed tmux pane, a dropped ssh session), Textual's
        # output thread dies on the first failed write and its shutdown then waits forever on
        # a full queue; the labs would go on training with nobody watching. So: give the clean
        # exit a few seconds, then end the labs and the process.
        time.sleep(LEAVE_SECONDS)
        try:
            app.shutdown()  # ends the labs and closes the factory
        finally:
            os._exit(0)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, leave)
    try:
        app.run()
    except KeyboardInterrupt:
        pass
    finally:
        app.shutdown()
    return app.return_code or 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
