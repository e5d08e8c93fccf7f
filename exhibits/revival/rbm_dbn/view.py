"""The RBM's dreams as block images, the last check's census of patterns, and its filters."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from museum.i18n import pick
from museum.widgets import LabView
from museum.widgets.blocks import image_text
from museum.widgets.live import LiveText

S = {
    "dreams": {"en": "Dreams", "zh": "梦境"},
    "gibbs": {"en": "Gibbs step {k}/{n}", "zh": "吉布斯第 {k}/{n} 步"},
    "hint": {"en": "d again · v panel", "zh": "d 重做 · v 换面板"},
    "hint_wide": {"en": "d: dream again from noise", "zh": "d：从噪声重新做梦"},
    "check": {
        "en": "check @{step}: {valid}/{n} valid · {kinds} kinds",
        "zh": "第 {step} 步检验：{valid}/{n} 合格 · {kinds} 种",
    },
    "recent": {
        "en": "last checks: {seq} · in a row {k}/{n}",
        "zh": "最近几次：{seq} · 连续 {k}/{n}",
    },
    "exact": {
        "en": "exact: {p} valid · top pattern {top} (fair 3%)",
        "zh": "精确值：合格 {p} · 最常见图案 {top}（均分 3%）",
    },
    "learning": {"en": "learning: {u}/{t} CD-1 updates", "zh": "学习中：CD-1 更新 {u}/{t} 次"},
    "learned": {
        "en": "learning over ({t} CD-1 updates): dreaming only",
        "zh": "学习结束（CD-1 更新 {t} 次）：只做梦",
    },
    "census": {
        "en": "last check: {n} chains × {g} Gibbs steps",
        "zh": "上次检验：{n} 条链 × {g} 步吉布斯",
    },
    "bars": {"en": "bars ||", "zh": "竖条"},
    "stripes": {"en": "stripes =", "zh": "横纹"},
    "census_model": {
        "en": "the model's exact probability, same order",
        "zh": "模型给出的精确概率，同一顺序",
    },
    "census_legend": {
        "en": "□ blank  ■ full  ✗ not a pattern  · none",
        "zh": "□ 全空  ■ 全满  ✗ 不合格  · 为零",
    },
    "filters": {
        "en": "weights of {n} of {h} hidden units",
        "zh": "{h} 个隐藏单元中 {n} 个的权重",
    },
    "filters_legend": {
        "en": "█ excites · ▒ 0 · blank inhibits",
        "zh": "█ 兴奋 · ▒ 为 0 · 空白 抑制",
    },
}
SPARK = "▁▂▃▄▅▆▇█"
PANELS = ("dreams", "census", "filters")
IMAGE_W = 8  # a 4x4 image, two cells a pixel
GAP = 2


def pct(x: float) -> str:
    """A share as a percentage, with two significant digits when it is tiny."""
    return f"{100 * x:.2g}%" if x < 0.01 else f"{100 * x:.1f}%"


def pad(text: str, width: int) -> str:
    """Left-aligned in ``width`` cells (CJK characters take two)."""
    return text + " " * max(1, width - cell_len(text))


def spark(values, top: float) -> str:
    """One character per value: · for zero, else a bar scaled to ``top``."""
    out = []
    for v in values:
        if v <= 0:
            out.append("·")
        else:
            out.append(SPARK[min(len(SPARK) - 1, max(0, round(v / top * (len(SPARK) - 1))))])
    return "".join(out)


def side_by_side(images: list[Text], gap: int = GAP) -> Text:
    """Block images (Texts of equal height) in one row."""
    split = [img.split("\n") for img in images]
    rows = max((len(lines) for lines in split), default=0)
    text = Text(no_wrap=True, overflow="crop")
    for r in range(rows):
        for i, lines in enumerate(split):
            if i:
                text.append(" " * gap)
            text.append_text(lines[r] if r < len(lines) else Text(" " * IMAGE_W))
        if r < rows - 1:
            text.append("\n")
    return text


def fits(width: int) -> int:
    """How many images fit side by side in ``width`` cells."""
    return max(1, (width + GAP) // (IMAGE_W + GAP))


class RBMView(LabView):
    KEYS = (
        ("d", {"en": "dream again: restart the shown chains from noise",
               "zh": "重新做梦：显示的链从噪声重新开始"}),
        ("v", {"en": "next panel: dreams, census of patterns, hidden units' weights",
               "zh": "换面板：梦境、图案统计、隐藏单元权重"}),
    )
    BINDINGS = [
        Binding("d", "dream", "dream", show=False),
        Binding("v", "panel", "panel", show=False),
    ]
    PLOT = {
        "valid_share": {"en": "valid share (of 100)", "zh": "合格比例（100 个）"},
        "recon_error": {"en": "recon. error", "zh": "重构误差"},
    }
    can_focus = True

    def __init__(self, lang: str = "en", **kwargs):
        super().__init__(lang=lang, **kwargs)
        self.panel = 0

    def compose(self) -> ComposeResult:
        yield LiveText(id="rbm")

    def action_dream(self) -> None:
        self.command("dream")

    def action_panel(self) -> None:
        self.panel = (self.panel + 1) % len(PANELS)
        if self.update_seen is not None:
            self.show(self.update_seen)

    def on_resize(self, _event) -> None:
        if self.update_seen is not None:
            self.show(self.update_seen)

    # -- panels -------------------------------------------------------------------------
    def dreams(self, snap: dict, width: int, wide: bool) -> list[Text]:
        lang = self.lang
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(pick(S["dreams"], lang), "bold")
        head.append(" · " + pick(S["gibbs"], lang).format(
            k=snap["dream_step"], n=snap["dream_len"]))
        head.append("  " + pick(S["hint_wide" if wide else "hint"], lang), "dim")
        n = min(len(snap["dreams"]), fits(width))
        # 0 -> ░ and 1 -> █, so a blank image still shows its square
        images = [image_text(img, vmin=-1 / 3, vmax=1.0) for img in snap["dreams"][:n]]
        marks = Text(no_wrap=True, overflow="crop")
        for i, kind in enumerate(snap["dream_kinds"][:n]):
            if i:
                marks.append(" " * GAP)
            mark = "✓" if kind else "✗"
            marks.append(f"{mark:^{IMAGE_W}}", "bold green" if kind else "bold red")
        check = snap["check"]
        line = Text(no_wrap=True, overflow="ellipsis")
        ok = check["ok"]
        line.append(pick(S["check"], lang).format(
            step=check["step"], valid=check["valid"], n=check["n"], kinds=check["kinds"]))
        line.append(" ✓" if ok else " ✗", "bold green" if ok else "bold red")
        seq = " ".join(str(v) for v in snap["history"][-6:])
        recent = Text(pick(S["recent"], lang).format(
            seq=seq, k=min(snap["streak"], snap["streak_needed"]), n=snap["streak_needed"]),
            no_wrap=True, overflow="ellipsis")
        top = f"{100 * max(check['exact_probs']):.0f}%"  # of all probability
        exact = Text(pick(S["exact"], lang).format(p=pct(check["exact_valid"]), top=top),
                     no_wrap=True, overflow="ellipsis")
        key = "learning" if snap["learning"] else "learned"
        progress = Text(pick(S[key], lang).format(u=f"{snap['updates']:,}",
                                                  t=f"{snap['train_updates']:,}"),
                        "dim", no_wrap=True, overflow="ellipsis")
        return [head, side_by_side(images), marks, line, recent, exact, progress]

    def census(self, snap: dict) -> list[Text]:
        lang, check = self.lang, snap["check"]
        counts = check["counts"]  # blank, full, 14 bars, 14 stripes
        invalid = check["n"] - sum(counts)
        top = max(counts + [invalid, 1])
        row = Text(no_wrap=True, overflow="crop")
        row.append(" " + spark(counts[:2], top) + " ")
        row.append(spark(counts[2:16], top), "cyan")
        row.append("    ")
        row.append(spark(counts[16:], top), "magenta")
        row.append(f"  {spark([invalid], top)}{invalid}")
        probs = check["exact_probs"]
        outside = max(0.0, 1.0 - check["exact_valid"])  # probability of all other images
        ptop = max(probs + [outside, 1e-12])  # one scale with the ✗ column, as for the samples
        model = Text(no_wrap=True, overflow="crop")
        model.append(" " + spark(probs[:2], ptop) + " ")
        model.append(spark(probs[2:16], ptop), "cyan")
        model.append("    ")
        model.append(spark(probs[16:], ptop), "magenta")
        model.append(f"  {spark([outside], ptop)}{pct(outside)}")
        return [
            Text(pick(S["census"], lang).format(n=check["n"], g=check["gibbs"]), "bold",
                 no_wrap=True, overflow="ellipsis"),
            Text(" □■ " + pad(pick(S["bars"], lang), 18) + pad(pick(S["stripes"], lang), 16) + "✗",
                 "dim", no_wrap=True, overflow="crop"),
            row,
            Text(pick(S["census_model"], lang), "bold", no_wrap=True, overflow="ellipsis"),
            model,
            Text(pick(S["census_legend"], lang), "dim", no_wrap=True, overflow="ellipsis"),
        ]

    def filters(self, snap: dict, width: int, rows: int, wide: bool = False) -> list[Text]:
        filters = snap["filters"]
        per_row = fits(width)
        n = min(len(filters), per_row * rows)
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(pick(S["filters"], self.lang).format(n=n, h=snap["hidden"]), "bold")
        legend = Text(pick(S["filters_legend"], self.lang), "dim", no_wrap=True,
                      overflow="ellipsis")
        if wide:
            head.append(": " if self.lang == "en" else "：", "bold")
            head.append_text(legend)
        out = [head]
        for start in range(0, n, per_row):
            chunk = filters[start:start + per_row]
            images = []
            for f in chunk:  # symmetric, so 0 is always the middle shade
                scale = max(float(abs(f).max()), 1e-6)
                images.append(image_text(f, vmin=-scale, vmax=scale))
            out.append(side_by_side(images))
        return out if wide else out + [legend]

    def show(self, update) -> None:
        super().show(update)
        snap = update.snapshot
        if not snap:
            return
        width = self.size.width or 44
        height = self.size.height or 10
        wide = height >= 21  # everything at once, one panel under the other
        if wide:
            body = self.dreams(snap, width, True) + [Text("")] * (height >= 22)
            body += self.census(snap) + self.filters(snap, width, 1, wide=True)
        else:
            panel = PANELS[self.panel]
            if panel == "dreams":
                body = self.dreams(snap, width, False)
            elif panel == "census":
                body = self.census(snap)
            else:
                body = self.filters(snap, width, 2)
        self.query_one("#rbm", Static).update(Group(*body))

