"""XOR under the perceptron rule: the line keeps jumping, and the weights come round again."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from museum.i18n import pick
from museum.widgets import Field, LabView

S = {
    "state": {"en": "(w1,w2,b)", "zh": "(w1,w2,b)"},
    "path": {"en": "state after each step", "zh": "每一步后的状态"},
    "cycle": {
        "en": "↺ cycle: state {state} at epoch {start} comes back every {length} epoch(s); "
        "the rule will repeat this loop forever",
        "zh": "↺ 循环：第 {start} 轮时的状态 {state} 每 {length} 轮重现一次；规则将永远重复这个循环",
    },
    "no_cycle": {"en": "no repeated state yet", "zh": "尚未出现重复状态"},
    "per_epoch": {"en": "mistakes per epoch", "zh": "每轮错误数"},
    "legend": {"en": "o XOR=1 · x XOR=0 · ↺ a state seen before", "zh": "o 异或=1 · x 异或=0 · ↺ 出现过的状态"},
}
BOUNDS = (-0.5, 1.5, -0.5, 1.5)


class XorView(LabView):
    PLOT = {"errors": {"en": "XOR cases wrong (of 4)", "zh": "分错的异或情形（共 4 个）"}}

    DEFAULT_CSS = """
    #panel { width: 1fr; margin-left: 1; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Field(id="field")
            yield Static(id="panel")

    def show(self, update) -> None:
        super().show(update)
        snap, lang = update.snapshot, self.lang
        w1, w2 = snap["w"]
        b = snap["b"]

        def region(x: float, y: float) -> float:
            value = w1 * x + w2 * y + b
            return value if value != 0 else -1.0

        self.query_one(Field).show(
            snap["points"], snap["labels"], region, bounds=BOUNDS, current=snap["current"]
        )
        panel = Text()
        panel.append(f"{pick(S['state'], lang)}=({w1:+d},{w2:+d},{b:+d})\n", "bold")
        panel.append(pick(S["path"], lang) + ":\n", "dim")
        path = [tuple(s) for s in snap["path"]]
        shown = path[-6:]
        first_seen = {}
        for i, state in enumerate(path):
            first_seen.setdefault(state, i)
        offset = len(path) - len(shown)
        for i, state in enumerate(shown):
            seen_before = first_seen[state] < offset + i
            mark = " ↺" if seen_before else ""
            panel.append(f"  ({state[0]:+d}, {state[1]:+d}, {state[2]:+d}){mark}\n",
                         "magenta" if seen_before else "")
        counts = snap["epoch_mistakes"]
        panel.append(pick(S["per_epoch"], lang) + ": ", "dim")
        panel.append(" ".join(str(c) for c in counts[-10:]) + "\n")
        cycle = snap["cycle"]
        if cycle:
            state = "(" + ", ".join(f"{v:+d}" for v in cycle["state"]) + ")"
            panel.append(
                pick(S["cycle"], lang).format(
                    state=state, start=cycle["start_epoch"], length=cycle["length"]
                ) + "\n",
                "bold magenta",
            )
        else:
            panel.append(pick(S["no_cycle"], lang) + "\n", "dim")
        panel.append(pick(S["legend"], lang), "dim")
        self.query_one("#panel", Static).update(panel)
