"""XOR under the perceptron rule: the line keeps jumping, and the weights come round again."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult

from museum.i18n import pick
from museum.widgets import FieldPanel, LabView, line_region

S = {
    "state": {"en": "(w1,w2,b)", "zh": "(w1,w2,b)"},
    "path": {"en": "state after each step", "zh": "每一步后的状态"},
    "cycle": {
        "en": "↺ cycle: {state} returns every {length} epoch(s) from epoch {start}; "
        "it repeats forever",
        "zh": "↺ 循环：{state} 自第 {start} 轮起每 {length} 轮重现，永远重复",
    },
    "no_cycle": {"en": "no repeated state yet", "zh": "尚未出现重复状态"},
    "per_epoch": {"en": "mistakes per epoch", "zh": "每轮错误数"},
    "legend": {
        "en": "o XOR=1 · x XOR=0 · ↺ a state seen before",
        "zh": "o 异或=1 · x 异或=0 · ↺ 出现过的状态",
    },
}
BOUNDS = (-0.5, 1.5, -0.5, 1.5)


class XorView(LabView):
    PLOT = {"errors": {"en": "XOR cases wrong (of 4)", "zh": "分错的异或情形（共 4 个）"}}

    def compose(self) -> ComposeResult:
        yield FieldPanel()

    def show(self, update) -> None:
        super().show(update)
        snap, lang = update.snapshot, self.lang
        w1, w2 = snap["w"]
        b = snap["b"]
        panel = Text()
        panel.append(f"{pick(S['state'], lang)}=({w1:+d},{w2:+d},{b:+d})\n", "bold")
        cycle = snap["cycle"]
        if cycle:
            state = "(" + ",".join(f"{v:+d}" for v in cycle["state"]) + ")"
            text = pick(S["cycle"], lang).format(
                state=state, start=cycle["start_epoch"], length=cycle["length"]
            )
            panel.append(text + "\n", "bold magenta")
        else:
            panel.append(pick(S["no_cycle"], lang) + "\n", "dim")
        counts = snap["epoch_mistakes"]
        panel.append(pick(S["per_epoch"], lang) + ": ", "dim")
        panel.append(" ".join(str(c) for c in counts[-8:]) + "\n")
        panel.append(pick(S["path"], lang) + ":\n", "dim")
        path = [tuple(state) for state in snap["path"]]
        first_seen: dict = {}
        for i, state in enumerate(path):
            first_seen.setdefault(state, i)
        shown = path[-4:]
        offset = len(path) - len(shown)
        for i, state in enumerate(shown):
            seen_before = first_seen[state] < offset + i
            panel.append(
                f" ({state[0]:+d},{state[1]:+d},{state[2]:+d}){' ↺' if seen_before else ''}\n",
                "magenta" if seen_before else "",
            )
        panel.append(pick(S["legend"], lang), "dim")
        self.query_one(FieldPanel).show(
            snap["points"], snap["labels"], panel, region=line_region(w1, w2, b),
            current=snap["current"], bounds=BOUNDS,
        )
