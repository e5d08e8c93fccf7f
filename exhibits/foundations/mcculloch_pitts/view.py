"""Threshold units with their weights and thresholds; the visitor sets the inputs."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from museum.i18n import pick
from museum.widgets import LabView
from museum.widgets.live import LiveText

S = {
    "inputs": {"en": "inputs", "zh": "输入"},
    "toggle": {"en": "press 1 / 2 to flip x1 / x2", "zh": "按 1 / 2 翻转 x1 / x2"},
    "gates": {"en": "single units", "zh": "单个单元"},
    "net": {"en": "two layers compute XOR", "zh": "两层网络计算异或"},
    "table": {"en": "truth table of the net", "zh": "网络的真值表"},
    "legend": {
        "en": "● fires · ○ silent · ∧ and · ∨ or · ¬ not",
        "zh": "● 激发 · ○ 静息 · ∧ 且 · ∨ 或 · ¬ 非",
    },
}
FORMULA = {
    "AND": "x1 ∧ x2", "OR": "x1 ∨ x2", "NOT": "¬x1",
    "h1": "x1 ∧ ¬x2", "h2": "¬x1 ∧ x2", "out": "h1 ∨ h2",
}


def weights_text(weights) -> str:
    return "(" + ",".join(f"{w:+d}" for w in weights) + ")"


class McCullochPittsView(LabView):
    KEYS = (
        ("1", {"en": "flip input x1", "zh": "翻转输入 x1"}),
        ("2", {"en": "flip input x2", "zh": "翻转输入 x2"}),
        ("space", {"en": "step through the truth table", "zh": "逐行走过真值表"}),
    )
    BINDINGS = [
        Binding("1", "toggle(0)", "x1", show=False),
        Binding("2", "toggle(1)", "x2", show=False),
    ]
    can_focus = True

    def compose(self) -> ComposeResult:
        yield LiveText(id="units")

    def action_toggle(self, index: int) -> None:
        self.command("toggle", index)

    @staticmethod
    def _unit_line(gate: dict) -> Text:
        """One unit: name, what it computes, weights, sum against threshold, output."""
        out = gate["output"]
        cmp = "≥" if gate["sum"] >= gate["threshold"] else "<"
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{gate['name']:<4}", "bold")
        line.append(f"{FORMULA.get(gate['name'], ''):<9} ")
        line.append(f"w{weights_text(gate['weights']):<8} ", "cyan")
        line.append(f"Σ{gate['sum']:+d} {cmp} θ{gate['threshold']}  ")
        line.append(f"{'●' if out else '○'} {out}", "bold green" if out else "dim")
        return line

    def show(self, update) -> None:
        super().show(update)
        snap, lang = update.snapshot, self.lang
        x1, x2 = snap["inputs"]
        head = Text()
        head.append(f"{pick(S['inputs'], lang)}: ", "bold")
        for name, value in (("x1", x1), ("x2", x2)):
            head.append(f" {name} ", "")
            head.append(f" {value} ", "bold reverse green" if value else "bold reverse")
            head.append(" ")
        head.append("\n" + pick(S["toggle"], lang), "dim")
        singles = [self._unit_line(gate) for gate in snap["gates"]]
        net = [self._unit_line(gate) for gate in [*snap["hidden"], snap["output"]]]
        truth = Text(pick(S["table"], lang) + ":\n", "bold")
        for i, (a, b, out, want) in enumerate(snap["truth_table"]):
            current = i == snap["row"]
            ok = "✓" if out == want else "✗"
            truth.append(f"{a}{b}→{out}{ok}", "reverse" if current else "")
            truth.append("  ")
        self.query_one("#units", Static).update(
            Group(
                head, Text(""), Text(pick(S["gates"], lang), "bold underline"), *singles,
                Text(""), Text(pick(S["net"], lang), "bold underline"), *net, Text(""), truth,
                Text(""), Text(pick(S["legend"], lang), "dim"),
            )
        )
