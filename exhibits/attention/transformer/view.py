"""Attention heatmaps per layer and head over the visitor's word, and the recurrent race.

Two panels (key v). The heads: one at a time at 80×24; a page of four (or the whole layer on
a very wide terminal) beside the outputs when the lab column is wide enough. The race: an
LSTM layer against a self-attention layer, timed on this machine when the panel opens or on
m. Shapes carry the meaning: the shade ramp for attention, ✓/✗ and underlines for right and
wrong letters, two bar shapes for the two layers.
"""

from __future__ import annotations

import math

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from museum.i18n import pick
from museum.widgets import LabView, TextBox
from museum.widgets.heatmap import heatmap_text
from museum.widgets.live import LiveText

S = {
    "placeholder": {"en": "tab: type · ?: keys", "zh": "tab：输入 · ?：按键"},
    "jobs": {
        "reverse": {"en": "reverse", "zh": "倒序"},
        "previous": {"en": "previous", "zh": "前一个"},
        "first": {"en": "first", "zh": "首字母"},
        "next": {"en": "next", "zh": "后一个"},
    },
    "refused": {"en": "✗ needs {a}–{b} letters a–z", "zh": "✗ 需要 {a}–{b} 个字母 a–z"},
    "page": {
        "en": "layer {layer} · heads {a}–{b} of {n}",
        "zh": "第 {layer} 层 · 第 {a}–{b} 个头（共 {n} 个）",
    },
    "accuracy": {
        "en": "held out: {acc:.1%} of {n} words", "zh": "留出集 {n} 词：正确率 {acc:.1%}",
    },
    "best": {"en": "best head (held out)", "zh": "最佳注意力头（留出集）"},
    "dropped": {"en": "{n} non-letters dropped", "zh": "丢弃了 {n} 个非字母字符"},
    "cut": {"en": "cut to {n} letters", "zh": "截为 {n} 个字母"},
    "uniform": {"en": "an even spread scores {b:.2f}", "zh": "均匀分布的头得 {b:.2f}"},
    "keys": {"en": "keys: h head, j layer, v race", "zh": "按键：h 换头 j 换层 v 竞速"},
    "rows_cols": {"en": "rows: query · cols: key", "zh": "行：查询 · 列：键"},
    "race_title": {
        "en": "Race · batch {b} · hidden {d} · {threads} thread(s), {device}",
        "zh": "竞速 · 批量 {b} · 隐藏 {d} · {threads} 线程，{device}",
    },
    "race_lstm": {"en": "LSTM ms", "zh": "LSTM 毫秒"},
    "race_attn": {"en": "attention ms (log)", "zh": "自注意力 毫秒（对数）"},
    "race_work": {"en": "  LSTM : attn (M mult-adds)", "zh": "  LSTM : 注意力（百万次乘加）"},
    "steps": {
        "en": "steps one after another: LSTM T, attention 1",
        "zh": "必须依次完成的步数：LSTM 为 T，自注意力为 1",
    },
    "faster": {
        "en": "attention faster up to T={t}, then the LSTM",
        "zh": "在这里 T≤{t} 时自注意力更快，之后 LSTM 更快",
    },
    "always_attn": {
        "en": "here attention is faster at every length", "zh": "在这里自注意力处处更快",
    },
    "always_lstm": {"en": "here the LSTM is faster at every length", "zh": "在这里 LSTM 处处更快"},
    "unmeasured": {
        "en": "timing both layers on this machine… (m measures again)",
        "zh": "正在本机上为两种层计时……（按 m 重新测量）",
    },
    "again": {"en": "m: measure again", "zh": "m：重新测量"},
    "work_note": {
        "en": "attention's work grows as T², the LSTM's as T",
        "zh": "自注意力的计算量按 T² 增长，LSTM 按 T 增长",
    },
}
BAR = "▏▎▍▌▋▊▉█"  # eighths of a cell
HEATMAP_CELL = 2  # columns per key: square-looking cells
WIDE = 64  # from this many columns the race adds its counted work
TITLE = 18  # '▶H1 previous 0.97 ★'
SIDE = 28  # the outputs and best-head table beside the heatmaps


def bar(fraction: float, width: int, full: str = "█") -> str:
    """A horizontal bar of ``fraction`` of ``width`` cells, in eighths; at least a sliver."""
    eighths = max(1, int(round(max(0.0, min(1.0, fraction)) * width * 8)))
    whole, part = divmod(eighths, 8)
    return (full * whole + (BAR[part - 1] if part else "")).ljust(width)


def scaled(values: list[float], lo: float, hi: float) -> list[float]:
    """Log scale from lo/2 (a sliver) to hi (a full bar)."""
    floor = math.log(lo / 2)
    span = (math.log(hi) - floor) or 1.0
    return [(math.log(v) - floor) / span for v in values]


class TransformerView(LabView):
    DEFAULT_CSS = """
    TransformerView { layout: vertical; }
    TransformerView #tf-top { height: 1; }
    TransformerView TextBox { width: 20; height: 1; border: none; padding: 0; }
    TransformerView TextBox:focus { border: none; text-style: bold; }
    TransformerView #tf-title { width: 1fr; height: 1; padding: 0 0 0 1; }
    TransformerView #tf-body { height: 1fr; }
    """
    PLOT = {
        "accuracy": {"en": "held-out accuracy", "zh": "留出集准确率"},
        "heads": {"en": "weakest job's best head", "zh": "最弱任务的最佳头得分"},
    }
    KEYS = (
        ("h", {"en": "next head in this layer", "zh": "本层的下一个注意力头"}),
        ("j", {"en": "next layer", "zh": "下一层"}),
        ("v", {"en": "heads ⇄ the recurrent-vs-attention race",
               "zh": "注意力头 ⇄ 循环与自注意力竞速"}),
        ("m", {"en": "time the race again on this machine", "zh": "在本机上重新计时竞速"}),
        ("tab", {"en": "type a word (letters a–z, up to 8); enter reads it",
                 "zh": "输入单词（字母 a–z，最多 8 个）；回车读取"}),
    )
    BINDINGS = [
        Binding("h", "head", "head", show=False),  # the footer keeps to six keys at 80×24
        Binding("j", "layer", "layer", show=False),
        Binding("v", "panel", "race", show=False),
        Binding("m", "race", "time", show=False),
    ]
    can_focus = True

    def __init__(self, lang: str = "en", **kwargs):
        super().__init__(lang=lang, **kwargs)
        self.at_layer = 1  # the last layer holds the reversal head in every seed tried
        self.at_head = 0
        self.at_panel = "heads"
        self.asked_race = False
        self.refused_seen: int | None = None  # the lab's count of unread texts, when last drawn
        self.refusal = False  # show why the last text was not read, until the next key

    def compose(self) -> ComposeResult:
        with Horizontal(id="tf-top"):
            yield TextBox(placeholder=pick(S["placeholder"], self.lang), max_length=40)
            yield LiveText(id="tf-title")
        yield LiveText(id="tf-body")

    # -- the visitor's keys ----------------------------------------------------------------
    def action_head(self) -> None:
        self.refusal = False
        self.at_head += 1
        self.redraw()

    def action_layer(self) -> None:
        self.refusal = False
        self.at_layer += 1
        self.redraw()

    def action_panel(self) -> None:
        self.refusal = False
        self.at_panel = "race" if self.at_panel == "heads" else "heads"
        self.redraw()

    def action_race(self) -> None:
        self.refusal = False
        self.at_panel = "race"
        self.asked_race = True
        self.command("race")
        self.redraw()

    @on(Input.Submitted)
    def read_word(self, event: Input.Submitted) -> None:
        event.stop()
        self.refusal = False
        self.command("input", event.value)

    def on_descendant_blur(self, event) -> None:
        # escape leaves the text box with nothing focused; take focus back so h/j/v still work
        if isinstance(event.widget, TextBox):
            self.refocus_soon()

    def on_resize(self, event) -> None:
        self.redraw()

    # -- drawing -------------------------------------------------------------------------
    def show(self, update) -> None:
        if self.update_seen is not None and update.step < self.update_seen.step:
            self.asked_race = False  # a reset: the new lab has not timed the race yet
        super().show(update)
        self.redraw()

    def redraw(self) -> None:
        update = self.update_seen
        if update is None or not update.snapshot or not self.is_mounted:
            return
        snap = update.snapshot
        self.at_layer %= snap["layers"]
        self.at_head %= snap["heads"]
        top = self.query_one("#tf-top")
        top.display = self.at_panel == "heads"
        if self.at_panel == "race":
            if snap.get("race") is None and not self.asked_race:
                self.asked_race = True  # once per visit; m asks again
                self.command("race")
            body = self.race_panel(snap)
        else:
            body, page = self.heads_panel(snap)
            refused = snap.get("refused", 0)
            if self.refused_seen is not None and refused > self.refused_seen:
                self.refusal = True
            self.refused_seen = refused
            if self.refusal:
                title = Text(pick(S["refused"], self.lang).format(
                    a=snap["min_len"], b=snap["max_len"]), "bold", no_wrap=True,
                    overflow="ellipsis")
            elif page:
                title = Text(pick(S["page"], self.lang).format(
                    layer=self.at_layer + 1, a=page[0] + 1, b=page[1], n=snap["heads"]),
                    no_wrap=True, overflow="ellipsis", style="bold")
            else:
                title = self.head_title(snap, self.at_layer, self.at_head)
            self.query_one("#tf-title", Static).update(title)
        self.query_one("#tf-body", Static).update(body)

    def job_name(self, job: str) -> str:
        return pick(S["jobs"][job], self.lang)

    def head_title(self, snap: dict, layer: int, head: int, mark: bool | None = None) -> Text:
        """'L2·H6 reverse 0.97 ★': the job this head fits best on the held-out words.

        ★ marks the job's best head (the one the claim checks). On a page of heads (mark not
        None) the layer is named above and ▶ marks the selected head.
        """
        ev = snap["evaluation"]
        scores = [float(s) for s in ev["scores"][layer][head]]
        j = max(range(len(scores)), key=scores.__getitem__)
        owner = list(ev["best_heads"][j]) == [layer, head]
        text = Text(no_wrap=True, overflow="ellipsis")
        name = f"H{head + 1}" if mark is not None else f"L{layer + 1}·H{head + 1}"
        text.append(("▶" if mark else "") + name + " ", "bold")
        fits = scores[j] >= snap["targets"]["head"]
        text.append(f"{self.job_name(snap['jobs'][j])} {scores[j]:.2f}", "bold" if fits else "dim")
        if owner:
            text.append(" ★", "bold")
        return text

    def heatmap(self, snap: dict, layer: int, head: int) -> Text:
        letters = list(snap["word"])
        values = snap["attention"][layer][head]
        return heatmap_text(values, rows=letters, cols=letters, cell_width=HEATMAP_CELL,
                            vmin=0.0, vmax=1.0)

    def outputs(self, snap: dict) -> Text:
        """The model's four answers for the visitor's word; wrong letters underlined, ✗."""
        text = Text(no_wrap=True, overflow="ellipsis")
        width = max(cell_len(self.job_name(j)) for j in snap["jobs"])
        for job, out, want in zip(snap["jobs"], snap["outputs"], snap["answers"], strict=True):
            name = self.job_name(job)
            pad = width - cell_len(name)
            text.append(name + " " * (pad + 1), "dim")
            for got, right in zip(out, want, strict=True):
                text.append(got, "" if got == right else "bold underline red")
            text.append(" ✓\n" if out == want else " ✗\n", "green" if out == want else "red")
        return text

    def best_heads(self, snap: dict) -> Text:
        ev = snap["evaluation"]
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(pick(S["best"], self.lang) + "\n", "bold")
        width = max(cell_len(self.job_name(j)) for j in snap["jobs"])
        for job, (layer, head), score in zip(snap["jobs"], ev["best_heads"], ev["best_scores"],
                                             strict=True):
            name = self.job_name(job)
            pad = width - cell_len(name)
            ok = score >= snap["targets"]["head"]
            text.append(name + " " * (pad + 1), "dim")
            text.append(f"L{layer + 1}·H{head + 1} {score:.2f}", "bold" if ok else "")
            text.append(" ✓" if ok else " …", "green" if ok else "dim")
            text.append("\n")
        return text

    def side(self, snap: dict, wide: bool) -> Text:
        text = self.outputs(snap)
        text.append_text(self.best_heads(snap))
        if wide:
            ev = snap["evaluation"]
            text.append(pick(S["accuracy"], self.lang).format(acc=ev["accuracy"],
                                                                n=snap["held_out"]) + "\n")
            text.append(pick(S["uniform"], self.lang).format(b=snap["baseline"]) + "\n", "dim")
            if snap["dropped"] or snap["cut"]:
                notes = []
                if snap["dropped"]:
                    notes.append(pick(S["dropped"], self.lang).format(n=snap["dropped"]))
                if snap["cut"]:
                    notes.append(pick(S["cut"], self.lang).format(n=snap["max_len"]))
                text.append("\n".join(notes) + "\n", "dim")
            text.append(pick(S["rows_cols"], self.lang) + "\n", "dim")
            text.append(pick(S["keys"], self.lang), "dim")
        text.rstrip()
        return text

    def heads_panel(self, snap: dict):
        """(body, page): one head beside the side panel, or when there is room a page of heads
        (2×2, or the whole layer 4×2 on a very wide terminal) beside it."""
        width, height = self.size.width, self.size.height
        n = len(snap["word"])
        block = max(2 + n * HEATMAP_CELL, TITLE)  # row label, space, cells; or the title
        # columns of blocks + the side panel + gaps; the input row + two (title, header, n rows)
        columns = next((c for c in (4, 2) if width >= c * (block + 2) + SIDE), 0)
        if not columns or height < 1 + 2 * (n + 2):
            grid = Table.grid(padding=(0, 2))
            grid.add_row(self.heatmap(snap, self.at_layer, self.at_head), self.side(snap, False))
            return grid, None
        size = 2 * columns
        first = self.at_head - self.at_head % size
        maps = Table.grid(padding=(0, 2))
        for _ in range(columns):
            maps.add_column(width=block, no_wrap=True)
        for row in range(2):
            cells = []
            for col in range(columns):
                head = first + columns * row + col
                if head >= snap["heads"]:
                    cells.append(Text(""))
                    continue
                title = self.head_title(snap, self.at_layer, head, mark=head == self.at_head)
                cells.append(Group(title, self.heatmap(snap, self.at_layer, head)))
            maps.add_row(*cells)
        grid = Table.grid(padding=(0, 2))
        used = columns * (block + 2)
        grid.add_column(width=used - 2, no_wrap=True)  # the heatmaps never shrink
        grid.add_column(width=max(1, width - used), no_wrap=True)
        grid.add_row(maps, self.side(snap, True))
        return grid, (first, min(first + size, snap["heads"]))

    def race_panel(self, snap: dict):
        lang, work, race = self.lang, snap["work"], snap.get("race")
        wide = self.size.width >= WIDE
        lines = Text(no_wrap=True, overflow="ellipsis")
        if race is None:
            lines.append(pick(S["unmeasured"], lang) + "\n", "dim")
            lines.append(pick(S["steps"], lang) + "\n")
            lines.append(pick(S["work_note"], lang), "dim")
            return lines
        lines.append(pick(S["race_title"], lang).format(
            b=race["batch"], d=race["hidden"], threads=race["threads"], device=race["device"]
        ) + "\n", "bold")
        lstm_label = pick(S["race_lstm"], lang)
        lines.append("   T " + lstm_label + " " * max(1, 18 - cell_len(lstm_label)), "dim")
        attn_label = pick(S["race_attn"], lang)
        lines.append(attn_label, "dim")
        if wide:
            lines.append(" " * max(1, 20 - cell_len(attn_label)))
            lines.append(pick(S["race_work"], lang), "dim")
        lines.append("\n")
        lstm, attn = race["lstm_ms"], race["attention_ms"]
        everything = [*lstm, *attn]
        lo, hi = max(min(everything), 1e-3), max(everything)
        ls = scaled([max(v, 1e-3) for v in lstm], lo, hi)
        ats = scaled([max(v, 1e-3) for v in attn], lo, hi)
        width = 10
        for i, T in enumerate(race["lengths"]):
            lines.append(f"{T:>4} ")
            lines.append(bar(ls[i], width, "█"))
            lines.append(f"{lstm[i]:>6.2f}  ", "bold" if lstm[i] < attn[i] else "")
            lines.append(bar(ats[i], width, "▒"))
            lines.append(f"{attn[i]:>6.2f}", "bold" if attn[i] < lstm[i] else "")
            if wide and T in work["lengths"]:
                k = work["lengths"].index(T)
                lines.append(f"    {work['lstm_madds'][k] / 1e6:>6.2f} : "
                             f"{work['attention_madds'][k] / 1e6:<6.2f}", "dim")
            lines.append("\n")
        lines.append(pick(S["steps"], lang) + "\n")
        lines.append(self.verdict(race) + "\n")
        if wide:
            lines.append(pick(S["work_note"], lang) + "\n", "dim")
            lines.append(pick(S["again"], lang), "dim")
        lines.rstrip()
        return lines

    def verdict(self, race: dict) -> str:
        faster = [a < b for a, b in zip(race["attention_ms"], race["lstm_ms"], strict=True)]
        if all(faster):
            return pick(S["always_attn"], self.lang)
        if not any(faster):
            return pick(S["always_lstm"], self.lang)
        last = max(i for i, f in enumerate(faster) if f)
        return pick(S["faster"], self.lang).format(t=race["lengths"][last])
