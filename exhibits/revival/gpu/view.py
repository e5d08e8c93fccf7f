"""The benchmark as a table with bars (GFLOP/s against size), and the GPUs that mattered.

No step-indexed plot (PLOT is empty): the lab cycles through sizes and backends, so GFLOP/s
against the step number would be a saw-tooth that says nothing; the bars below plot GFLOP/s
against n, which is the curve the claim is about.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from exhibits.revival.gpu.gpus import GPUS, HEAD, NOTES
from museum.i18n import pick
from museum.widgets import LabView
from museum.widgets.live import LiveText

S = {
    "title": {"en": "GFLOP/s · fp32 · median of {k} · bar ÷ best",
              "zh": "GFLOP/s · fp32 · {k} 次中位数 · 条形 ÷ 最高"},
    "growth": {"en": "largest÷smallest:", "zh": "最大÷最小："},
    "gpu_ratio": {"en": "GPU÷CPU at n={n}: {ratio}", "zh": "n={n} 时 GPU÷CPU：{ratio}"},
    "no_gpu": {"en": "no CUDA GPU here: CPU only", "zh": "这里没有 CUDA GPU：只测 CPU"},
    "gpu_failed": {"en": "CUDA failed: {error}", "zh": "CUDA 出错：{error}"},
    "busy": {"en": "◌ lab had < {p}% of a core: others ran",
             "zh": "◌ 分到的 CPU 不足 {p}%：有其他程序在运行"},
    "threads": {"en": "torch and NumPy: {t} each", "zh": "torch 与 NumPy 各 {t} 个线程"},
    "threads2": {"en": "threads torch {t}, NumPy {b}", "zh": "线程 torch {t}，NumPy {b}"},
    "progress": {"en": "sweep {r}/{rounds} · next {what}",
                 "zh": "第 {r}/{rounds} 轮 · 下一个 {what}"},
    "met": {"en": "✓ holds in this run · r: measure again",
            "zh": "✓ 本次运行成立 · 按 r 重测"},
    "not_met": {"en": "✗ not met in this run · r: measure again",
                "zh": "✗ 本次运行未成立 · 按 r 重测"},
    "to_table": {"en": "v: the GPUs that mattered", "zh": "v：改变历史的 GPU"},
    "to_bench": {"en": "v: back to the benchmark", "zh": "v：回到实测"},
}
BUSY = 0.7  # a cell whose process got less of the CPU than this is marked ◌
EIGHTHS = " ▏▎▍▌▋▊▉"
BENCH, TABLE = "bench", "table"
SHORT = {"numpy": "numpy", "torch-cpu": "torch", "torch-cuda": "cuda"}
# Line priorities: when rows are short, EXTRA lines go first, then USEFUL, then TIGHT ones
# (a panel's title), and MUST lines stay.
MUST, TIGHT, USEFUL, EXTRA = 0, 1, 2, 3


def bar(fraction: float, width: int) -> str:
    """0..1 -> a bar of block characters, in eighths of a cell."""
    eighths = int(round(max(0.0, min(1.0, fraction)) * width * 8))
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[part] if part else "")).ljust(width)


def number(value: float | None) -> str:
    """GFLOP/s in at most 5 characters: 0.9, 38.0, 967, 45.3k."""
    if value is None:
        return "·"
    if value < 100:
        return f"{value:.1f}"
    if value < 10_000:
        return f"{value:.0f}"
    return f"{value / 1000:.1f}k" if value < 100_000 else f"{value / 1000:.0f}k"


def times(ratio: float) -> str:
    return f"{ratio:.1f}×" if ratio < 10 else f"{ratio:,.0f}×"


def line(*parts) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for part in parts:
        if isinstance(part, tuple):
            text.append(*part)
        else:
            text.append(part)
    return text


def fit(lines: list, height: int) -> list:
    """Drop the least needed lines (highest priority number, last first) until they fit."""
    lines = list(lines)
    for level in (EXTRA, USEFUL, TIGHT):
        while len(lines) > height:
            drop = [i for i, (_, p) in enumerate(lines) if p == level]
            if not drop:
                break
            del lines[drop[-1]]
    return lines


class GpuView(LabView):
    DEFAULT_CSS = "#gpu-body { text-wrap: nowrap; text-overflow: ellipsis; }"
    PLOT: dict = {}  # see the module's docstring
    KEYS = (
        ("v", {"en": "benchmark ⇄ GPU table (when both do not fit)",
               "zh": "实测 ⇄ GPU 表（两者放不下时）"}),
        ("r / g", {"en": "measure again", "zh": "重新测量"}),
    )
    BINDINGS = [Binding("v", "switch", "view", show=False)]
    can_focus = True

    def __init__(self, lang: str = "en", **kwargs):
        super().__init__(lang=lang, **kwargs)
        self.panel = BENCH

    def compose(self) -> ComposeResult:
        yield LiveText(id="gpu-body")

    def action_switch(self) -> None:
        self.panel = TABLE if self.panel == BENCH else BENCH
        self.redraw()

    def on_resize(self, _event) -> None:
        self.redraw()

    def show(self, update) -> None:
        super().show(update)
        self.redraw()

    # -- drawing ------------------------------------------------------------------------
    def redraw(self) -> None:
        if not self.is_mounted:
            return
        width = max(30, self.size.width or 44)
        height = max(1, self.size.height or 16)
        snap = self.update_seen.snapshot if self.update_seen else {}
        bench = self.bench(snap, width) if snap else [(Text("…", "dim"), MUST)]
        table = self.table(width)
        both = bench + [(Text(""), MUST)] + table
        if sum(p <= USEFUL for _, p in both) <= height:  # 120×40: both panels, one above the other
            lines = fit(both, height)
        else:
            hint = S["to_table" if self.panel == BENCH else "to_bench"]
            shown = bench if self.panel == BENCH else table
            lines = fit(shown + [(Text(pick(hint, self.lang), "dim"), MUST)], height)
        body = Text("\n").join(t for t, _ in lines)
        body.no_wrap, body.overflow = True, "ellipsis"  # a line too long is cut, never wrapped
        self.query_one("#gpu-body", Static).update(body)

    def bench(self, snap: dict, width: int) -> list:
        lang, sizes, backends = self.lang, snap["sizes"], snap["backends"]
        out = [(line((pick(S["title"], lang).format(k=snap["target"]), "bold")), TIGHT)]
        # n column 6 wide; each backend: value 5, space, bar, busy mark, space
        bar_width = max(3, min(14, (width - 6) // len(backends) - 8))
        head = line(" " * 6)
        for b in backends:
            head.append(f"{SHORT.get(b, b):>5} {'':<{bar_width + 2}}", "bold")
        out.append((head, MUST))
        best = {b: max((v for v in snap["gflops"][b] if v is not None), default=None)
                for b in backends}
        for i, n in enumerate(sizes):
            row = line((f"{n:>5} ", "bold"))
            for b in backends:
                value = snap["gflops"][b][i]
                share = snap["share"].get(b, [None] * len(sizes))[i]
                is_next = snap["next"] == [b, n]
                row.append(f"{number(value):>5}", "reverse" if is_next else "")
                row.append(" ")
                if value is None:
                    row.append(" " * bar_width)
                else:
                    row.append(bar(value / best[b], bar_width), "cyan")
                busy = share is not None and share < BUSY
                row.append("◌ " if busy else "  ", "yellow")
            out.append((row, MUST))
        return out + self.verdict(snap, width)

    def verdict(self, snap: dict, width: int) -> list:
        lang, done = self.lang, snap["done"]
        out = []
        chunks = [(pick(S["growth"], lang), "")]
        for b in snap["backends"]:
            g = snap["growth"][b]
            ok = g is not None and g >= snap["min_growth"]
            mark = ("✓" if ok else "✗") if done and g is not None else "…"
            style = "dim" if not done else ("green" if ok else "red")
            chunks.append((f" {SHORT.get(b, b)} {'·' if g is None else times(g)} {mark}", style))
        cuda = snap["cuda"]
        if cuda["present"] and not cuda["error"]:
            ratio = snap["gpu_ratio"]
            chunks.append((" · " + pick(S["gpu_ratio"], lang).format(
                n=snap["shared"], ratio="·" if ratio is None else times(ratio)), "bold"))
        current = line()
        for text, style in chunks:  # pack the chunks into as few lines as the width allows
            if current.cell_len and current.cell_len + Text(text).cell_len > width:
                out.append((current, MUST))
                current = line()
                text = text.removeprefix(" · ").lstrip()
            elif current.plain.endswith("："):  # a full-width colon brings its own space
                text = text.lstrip()
            current.append(text, style)
        out.append((current, MUST))
        if cuda["error"]:
            out.append((line((pick(S["gpu_failed"], lang).format(error=cuda["error"]), "red")),
                        MUST))
        elif cuda["present"] and cuda["name"]:
            out.append((line((cuda["name"], "dim")), EXTRA))
        elif not cuda["present"]:
            out.append((line((pick(S["no_gpu"], lang), "dim")), USEFUL))
        shares = [s for b in snap["share"] for s in snap["share"][b] if s is not None]
        if shares and min(shares) < BUSY:
            out.append((line((pick(S["busy"], lang).format(p=round(BUSY * 100)), "yellow")),
                        USEFUL))
        threads, blas = snap["threads"], snap["blas_threads"]
        if threads is None:
            thread_text = ""
        elif threads == blas:
            count = f"{threads} thread" + ("s" if threads != 1 else "") if lang == "en" else threads
            thread_text = pick(S["threads"], lang).format(t=count)
        else:
            thread_text = pick(S["threads2"], lang).format(
                t="·" if threads is None else threads, b="?" if blas is None else blas)
        if done:
            if thread_text:
                out.append((line((thread_text, "dim")), EXTRA))
            out.append((line((pick(S["met" if snap["met"] else "not_met"], lang),
                              "bold green" if snap["met"] else "bold red")),
                        USEFUL if snap["met"] else MUST))  # ✓ is also on the claim line
        else:
            nxt = snap["next"]
            what = f"{SHORT.get(nxt[0], nxt[0])} n={nxt[1]}"
            progress = pick(S["progress"], lang).format(r=snap["round"], rounds=snap["rounds"],
                                                        what=what)
            out.append((line((progress, "dim")), USEFUL))
        return out

    def table(self, width: int) -> list:
        lang = self.lang
        wide = width >= 54  # room for the bandwidth column
        cols = [("gpu", 10, "<"), ("year", 6, "<"), ("memory", 9, "<"), ("fp32", 6, ">"),
                ("tensor", 8, ">")] + ([("bandwidth", 11, ">")] if wide else [])
        out = [(line((pick(HEAD["title"], lang), "bold")), TIGHT)]
        head = line()
        for key, w, align in cols:
            head.append(pad(pick(HEAD[key], lang), w, align), "bold underline")
        out.append((head, MUST))
        for row in GPUS:
            cells = [c if c is not None else "?" for c in row]
            text = line()
            for (key, w, align), cell in zip(cols, cells[: len(cols)], strict=True):
                text.append(pad(cell, w, align), "bold" if key == "gpu" else "")
            out.append((text, MUST))
        units = pick(HEAD["units"], lang)
        if wide:
            units += pick(HEAD["units_bw"], lang)
        out.append((line((units, "dim")), USEFUL))
        out.extend((line((pick(note, lang), "dim")), USEFUL) for note in NOTES)
        return out


def pad(text: str, width: int, align: str) -> str:
    """Pad by display cells (CJK characters take two); always at least one space after."""
    cells = Text(text).cell_len
    if align == "<":
        return text + " " * max(1, width - cells)
    return " " * max(0, width - 1 - cells) + text + " "
