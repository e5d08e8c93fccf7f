"""The perceptron's line moving over the points, and its mistakes epoch by epoch."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult

from museum.i18n import pick
from museum.widgets import FieldPanel, LabView, line_region

S = {
    "weights": {"en": "weights", "zh": "权重"},
    "bias": {"en": "bias", "zh": "偏置"},
    "epoch": {"en": "epoch", "zh": "轮次"},
    "per_epoch": {"en": "mistakes per epoch", "zh": "每轮错误数"},
    "last": {"en": "last point", "zh": "上一个点"},
    "updated": {"en": "✗ wrong: line moved", "zh": "✗ 分错：直线移动"},
    "right": {"en": "✓ right: no change", "zh": "✓ 分对：不变"},
    "none": {"en": "none yet", "zh": "尚无"},
    "legend": {
        "en": "o class +1 · x class −1\ndotted: the +1 side",
        "zh": "o 为 +1 类 · x 为 −1 类\n点状区域：+1 一侧",
    },
}


def mistakes_line(counts: list, width: int = 14) -> str:
    shown = counts[-width:]
    prefix = "… " if len(counts) > width else ""
    return prefix + " ".join(str(int(c)) for c in shown)


class PerceptronView(LabView):
    PLOT = {"errors": {"en": "points on the wrong side", "zh": "分错的点数"}}

    def compose(self) -> ComposeResult:
        yield FieldPanel()

    def show(self, update) -> None:
        super().show(update)
        snap, lang = update.snapshot, self.lang
        w1, w2 = snap["w"]
        b = snap["b"]
        panel = Text()
        panel.append(f"{pick(S['weights'], lang)} ", "bold")
        panel.append(f"({w1:+.2f}, {w2:+.2f})\n")
        panel.append(f"{pick(S['bias'], lang)} ", "bold")
        panel.append(f"{b:+.2f}\n")
        panel.append(f"{pick(S['epoch'], lang)} ", "bold")
        panel.append(f"{snap['epoch']}\n\n")
        panel.append(pick(S["per_epoch"], lang) + "\n", "bold")
        counts = snap["epoch_mistakes"]
        panel.append((mistakes_line(counts) if counts else pick(S["none"], lang)) + "\n\n")
        if snap["current"] >= 0:
            panel.append(pick(S["last"], lang) + f" #{snap['current']}: ", "bold")
            if snap["mistake"]:
                panel.append(pick(S["updated"], lang), "yellow")
            else:
                panel.append(pick(S["right"], lang), "green")
            panel.append("\n")
        panel.append("\n" + pick(S["legend"], lang), "dim")
        self.query_one(FieldPanel).show(
            snap["points"], snap["labels"], panel, region=line_region(w1, w2, b),
            current=snap["current"],
        )
