"""A 2-2-1 net learning XOR: the input square, the hidden layer's view, weights and cases.

Two character fields. Input space: the four cases at (x1, x2) over the net's decision regions
(dotted = output above 0.5). Hidden space: the same cases at (h1, h2), where the output unit
is a single line; once the hidden units have bent the square, that line separates XOR. At
80×24 one field at a time (v switches); wider, both side by side.
"""

from __future__ import annotations

import math
import re

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding

from museum.i18n import pick
from museum.widgets import LabView, line_region
from museum.widgets.field import NEGATIVE_BG, NEGATIVE_PT, POSITIVE_BG, POSITIVE_PT, render_field

S = {
    "in_space": {"en": "inputs (x1,x2)", "zh": "输入空间 (x1,x2)"},
    "hid_space": {"en": "hidden layer (h1,h2)", "zh": "隐藏层 (h1,h2)"},
    "hid_short": {"en": "hidden (h1,h2)", "zh": "隐藏层 (h1,h2)"},
    "legend_short": {"en": "o=1 x=0 · dotted: y>0.5", "zh": "o=1 x=0 · 点状：y>0.5"},
    "line_short": {"en": "output line · dots: y>0.5", "zh": "输出直线（点状 y>0.5）"},
    "solved": {"en": "✓ solved at step {step}", "zh": "✓ 第 {step} 步学会"},
    "learning": {"en": "… learning", "zh": "… 学习中"},
    "stuck": {"en": "✗ stuck since step {step}", "zh": "✗ 自第 {step} 步起卡住"},
    "merged": {"en": "! {cases}: same h", "zh": "! {cases} 同一隐藏点"},
    "stuck_see": {"en": "✗ stuck since {step} · v: why", "zh": "✗ 第 {step} 步起卡住 · 按 v"},
    "and": {"en": " and ", "zh": " 与 "},
    "settings": {"en": "lr {lr:g} · momentum {m:g}", "zh": "学习率 {lr:g} · 动量 {m:g}"},
    "keys": {"en": "v view · m momentum", "zh": "v 切换 · m 动量"},
    "gradient": {"en": "gradient size |∂L/∂w| = {g}", "zh": "梯度大小 |∂L/∂w| = {g}"},
    "line": {"en": "the output unit's line y=0.5:", "zh": "输出单元的直线 y=0.5："},
    "dotted": {"en": "dotted: y > 0.5", "zh": "点状区域：y > 0.5"},
    "glyphs": {"en": "o XOR=1 · x XOR=0 · * both", "zh": "o 为 1 · x 为 0 · * 重合"},
    "why_stuck": {
        "en": "{cases} sit at one hidden point h=({h1},{h2}), so the output unit can only "
        "answer {y} for all of them. The hidden units are saturated there (slope h(1-h) "
        "{slope}), so almost no gradient flows back to pull them apart: since step "
        "{since} the loss has moved less than 0.001 per {n} steps.",
        "zh": "{cases} 落在同一个隐藏点 h=({h1},{h2})，输出单元对它们只能都答 {y}。"
        "隐藏单元在那里已饱和（斜率 h(1-h) {slope}），几乎没有梯度传回来把它们分开："
        "自第 {since} 步起，损失每 {n} 步的变化不到 0.001。",
    },
    "why_merged": {
        "en": "{cases} share one hidden point: the output cannot tell them apart. "
        "Gradient may still pull them apart, or the run may stall here.",
        "zh": "{cases} 落在同一个隐藏点，输出无法区分它们。梯度也许还能把它们拉开，"
        "也可能就此停滞。",
    },
    "why_stuck_short": {
        "en": "{cases} share h=({h1},{h2}), so y can only be {y} there. Saturated hidden "
        "units (slope {slope}) pass back almost no gradient.",
        "zh": "{cases} 同在 h=({h1},{h2})，y 在那里只能是 {y}。隐藏单元已饱和"
        "（斜率 {slope}），几乎传不回梯度。",
    },
    "why_merged_short": {
        "en": "{cases} share one hidden point: y cannot tell them apart. They may be "
        "pulled apart yet, or stall here.",
        "zh": "{cases} 落在同一隐藏点，y 无法区分它们。它们也许还会被拉开，也可能就此停滞。",
    },
    "separable_short": {
        "en": "One line now separates o from x: the hidden units made XOR linearly "
        "separable.",
        "zh": "一条直线已把 o 和 x 分开：隐藏单元让异或线性可分。",
    },
    "watch_short": {
        "en": "The points move as the hidden units learn, until one line separates o "
        "from x.",
        "zh": "点随隐藏单元的学习而移动，直到一条直线把 o 和 x 分开。",
    },
    "separable": {
        "en": "In the hidden layer one straight line now separates o from x: the hidden "
        "units have made XOR linearly separable.",
        "zh": "在隐藏层里，一条直线已经把 o 和 x 分开：隐藏单元让异或变得线性可分。",
    },
    "watch": {
        "en": "Watch the points move as the hidden units learn, until one line "
        "separates o from x.",
        "zh": "看这些点随着隐藏单元的学习而移动，直到一条直线把 o 和 x 分开。",
    },
}

IN_BOUNDS = (-0.5, 1.5, -0.5, 1.5)
HID_BOUNDS = (-0.1, 1.1, -0.1, 1.1)
CLASH = Style(bold=True, reverse=True)
CASES = ("00", "01", "10", "11")


def sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


def input_region(snap: dict):
    """(x1, x2) -> the output unit's input z; z > 0 exactly when the output is above 0.5."""
    (w11, w12), (w21, w22) = snap["W1"]
    c1, c2 = snap["b1"]
    v1, v2 = snap["w2"]
    b2 = snap["b2"]

    def region(x1: float, x2: float) -> float:
        h1 = sigmoid(w11 * x1 + w12 * x2 + c1)
        h2 = sigmoid(w21 * x1 + w22 * x2 + c2)
        z = v1 * h1 + v2 * h2 + b2
        return z if z != 0 else -1.0

    return region


def field_lines(width, height, points, targets, region, bounds) -> list[Text]:
    """render_field's regions with the points drawn on top; an o and an x on one cell = *."""
    xmin, xmax, ymin, ymax = bounds
    lines = list(render_field(width, height, [], [], region, bounds).split("\n", allow_blank=True))
    cells: dict[tuple[int, int], set] = {}
    for (x, y), t in zip(points, targets):
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        col = min(width - 1, max(0, int((x - xmin) / (xmax - xmin) * width)))
        row = min(height - 1, max(0, int((ymax - y) / (ymax - ymin) * height)))
        cells.setdefault((row, col), set()).add(int(t))
    for (row, col), kinds in cells.items():
        cx = xmin + (col + 0.5) * (xmax - xmin) / width
        cy = ymax - (row + 0.5) * (ymax - ymin) / height
        bg = POSITIVE_BG if region(cx, cy) > 0 else NEGATIVE_BG
        if len(kinds) > 1:
            glyph, style = "*", bg + CLASH
        elif 1 in kinds:
            glyph, style = "o", bg + POSITIVE_PT
        else:
            glyph, style = "x", bg + NEGATIVE_PT
        line = lines[row]
        lines[row] = line[:col] + Text(glyph, style) + line[col + 1:]
    return lines


CLOSING = set("，。；：、）！？")
TOKEN = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+|\s+")


def wrap(text: str, width: int) -> list[str]:
    """Greedy wrap by display width: words for Latin text, characters for Chinese."""
    lines, line = [], ""
    for token in TOKEN.findall(text):
        if token.isspace():
            if line:
                line += " "
            continue
        if line and cell_len(line + token) > width:
            if token in CLOSING and len(line) > 1:  # no line starts with "，" or "。"
                lines.append(line[:-1].rstrip())
                line = line[-1]
            else:
                lines.append(line.rstrip())
                line = ""
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def slope_text(slope: float) -> str:
    return "<0.001" if slope < 0.001 else f"≤{slope:.3f}"


def signed(w: float) -> str:
    return f"{w:+.1f}"


def weight_lines(snap: dict) -> list[Text]:
    (w11, w12), (w21, w22) = snap["W1"]
    c1, c2 = snap["b1"]
    v1, v2 = snap["w2"]
    rows = [
        ("h1=σ(", f"{signed(w11)}x1{signed(w12)}x2{signed(c1)})"),
        ("h2=σ(", f"{signed(w21)}x1{signed(w22)}x2{signed(c2)})"),
        ("y =σ(", f"{signed(v1)}h1{signed(v2)}h2{signed(snap['b2'])})"),
    ]
    return [Text.assemble((a, "bold"), b) for a, b in rows]


def table_lines(snap: dict) -> list[Text]:
    lines = [Text("x1x2  h1   h2     y", "dim")]
    for i, case in enumerate(CASES):
        h1, h2 = snap["hidden"][i]
        ok = snap["right"][i]
        line = Text(f"{case}  {h1:.2f} {h2:.2f} → {snap['outputs'][i]:.2f} ")
        line.append("✓" if ok else "✗", "green" if ok else "bold red")
        lines.append(line)
    return lines


def clusters(merged: list) -> list[list[int]]:
    """Merged pairs -> groups of cases sharing one hidden point (01, 10, 11 can all meet)."""
    groups: list[set] = []
    for i, j in merged:
        hit = [g for g in groups if i in g or j in g]
        joined = set().union({i, j}, *hit)
        groups = [g for g in groups if g not in hit] + [joined]
    return [sorted(g) for g in groups]


def case_names(group: list[int], lang: str) -> str:
    names = [CASES[i] for i in group]
    if lang == "zh":
        return "、".join(names[:-1]) + pick(S["and"], lang) + names[-1]
    return ", ".join(names[:-1]) + pick(S["and"], lang) + names[-1]


def status_line(snap: dict, lang: str, point_to_why: bool = False) -> Text:
    """Solved, stuck, two cases merged, or still learning; ``point_to_why`` when the
    explanation is on the other panel."""
    if snap["solved_step"] is not None:
        return Text(pick(S["solved"], lang).format(step=snap["solved_step"]), "bold green")
    if snap["stuck_since"] is not None:
        key = "stuck_see" if point_to_why else "stuck"
        return Text(pick(S[key], lang).format(step=snap["stuck_since"]), "bold red")
    groups = clusters(snap["merged"])
    if groups:
        return Text(pick(S["merged"], lang).format(cases=case_names(groups[0], lang)), "yellow")
    return Text(pick(S["learning"], lang), "dim")


def story(snap: dict, lang: str, short: bool = False) -> str:
    """What the hidden layer shows right now, in a sentence or two."""
    suffix = "_short" if short else ""
    groups = clusters(snap["merged"])
    if snap["solved_step"] is None and groups:
        group = groups[0]
        hidden = [snap["hidden"][i] for i in group]
        ys = [snap["outputs"][i] for i in group]
        key = "why_stuck" if snap["stuck_since"] is not None else "why_merged"
        return pick(S[key + suffix], lang).format(
            cases=case_names(group, lang),
            h1=f"{sum(h[0] for h in hidden) / len(hidden):.2f}",
            h2=f"{sum(h[1] for h in hidden) / len(hidden):.2f}",
            y=f"{sum(ys) / len(ys):.2f}",
            slope=slope_text(max(v * (1 - v) for h in hidden for v in h)),
            n=snap["flat_window"],
            since=max(0, (snap["stuck_since"] or 0) - snap["flat_window"]),
        )
    if all(snap["right"]):
        return pick(S["separable" + suffix], lang)
    return pick(S["watch" + suffix], lang)


def output_line(snap: dict) -> str:
    v1, v2 = snap["w2"]
    return f"{signed(v1)}h1{signed(v2)}h2{signed(snap['b2'])}=0"


def settings_line(snap: dict, lang: str) -> Text:
    return Text(pick(S["settings"], lang).format(lr=snap["lr"], m=snap["momentum"]), "dim")


def defaults(snap: dict) -> bool:
    return snap["lr"] == 1.0 and snap["momentum"] == 0.9


def hjoin(blocks: list[tuple[list[Text], int]], gap: int = 2) -> list[Text]:
    """Blocks of lines side by side; each block padded or cut to its width."""
    height = max(len(lines) for lines, _ in blocks)
    out = []
    for row in range(height):
        line = Text(no_wrap=True, overflow="crop")
        for k, (lines, width) in enumerate(blocks):
            part = lines[row].copy() if row < len(lines) else Text()
            part.truncate(width, overflow="ellipsis", pad=True)
            line.append_text(part)
            if k < len(blocks) - 1:
                line.append(" " * gap)
        out.append(line)
    return out


def draw(snap: dict, lang: str, width: int, height: int, panel: int) -> Text:
    """The whole view as one Text of at most ``height`` lines of ``width`` cells."""
    width, height = max(20, width), max(6, height)
    points = snap["inputs"]
    targets = snap["targets"]
    hidden = snap["hidden"]
    w2 = snap["w2"]
    hid_region = line_region(w2[0], w2[1], snap["b2"])
    wide = width >= 66 and height >= 14

    if wide:
        fh = max(5, min(height - 6, (width - 30) // 4))  # two square fields + a text column
        fw = 2 * fh
        text_w = width - 2 * fw - 4
        in_lines = [Text(pick(S["in_space"], lang), "bold")]
        in_lines += field_lines(fw, fh, points, targets, input_region(snap), IN_BOUNDS)
        hid_lines = [Text(pick(S["hid_space"], lang), "bold")]
        hid_lines += field_lines(fw, fh, hidden, targets, hid_region, HID_BOUNDS)
        side = [status_line(snap, lang), *weight_lines(snap), *table_lines(snap)]
        side += [settings_line(snap, lang), Text(pick(S["keys"], lang), "dim")]
        rows = hjoin([(in_lines, fw), (hid_lines, fw), (side, text_w)])
        below = [
            Text.assemble((pick(S["line"], lang) + " ", "dim"), output_line(snap)),
            Text(pick(S["dotted"], lang) + " · " + pick(S["glyphs"], lang), "dim"),
            Text(pick(S["gradient"], lang).format(g=f"{snap['grad_norm']:.1e}"), "dim"),
            *(Text(s) for s in wrap(story(snap, lang), width)),
        ]
        rows += below
    else:
        fh = max(4, height - 1)
        fw = max(12, min(2 * fh, width - 28))
        text_w = width - fw - 2
        if panel == 0:
            field = [Text(pick(S["in_space"], lang), "bold")]
            field += field_lines(fw, fh, points, targets, input_region(snap), IN_BOUNDS)
            side = [*weight_lines(snap), *table_lines(snap), status_line(snap, lang, True)]
            # the legend, unless the visitor changed a setting: then that is news
            side.append(Text(pick(S["legend_short"], lang), "dim") if defaults(snap)
                        else settings_line(snap, lang))
        else:
            field = [Text(pick(S["hid_short"], lang), "bold")]
            field += field_lines(fw, fh, hidden, targets, hid_region, HID_BOUNDS)
            side = [
                Text(pick(S["line_short"], lang), "dim"), Text(output_line(snap)),
                Text(pick(S["glyphs"], lang), "dim"), status_line(snap, lang),
            ]
            side += [Text(s) for s in wrap(story(snap, lang, short=True), text_w)]
        rows = hjoin([(field, fw), (side, text_w)])
    out = Text(no_wrap=True, overflow="crop")
    for i, row in enumerate(rows[:height]):
        if i:
            out.append("\n")
        out.append_text(row)
    return out


class BackpropView(LabView):
    PLOT = {
        "loss": {"en": "loss (mean squared error, 4 cases)", "zh": "损失（四种情形的均方误差）"}
    }
    KEYS = (
        ("v", {"en": "switch field: inputs / hidden layer (when only one fits)",
               "zh": "切换图：输入空间 / 隐藏层（只放得下一个时）"}),
        ("m", {"en": "momentum on (0.9) / off (plain gradient descent)",
               "zh": "动量开（0.9）/ 关（普通梯度下降）"}),
    )
    BINDINGS = [
        Binding("v", "switch_panel", "view", show=False),
        Binding("m", "toggle_momentum", "momentum", show=False),
    ]
    can_focus = True

    def __init__(self, lang: str = "en", **kwargs):
        super().__init__(lang=lang, **kwargs)
        self.panel = 0
        self.snap: dict | None = None

    def show(self, update) -> None:
        super().show(update)
        self.snap = update.snapshot
        self.refresh()

    def action_switch_panel(self) -> None:
        self.panel = 1 - self.panel
        self.refresh()

    def action_toggle_momentum(self) -> None:
        if self.snap is not None:
            self.command("momentum", 0.0 if self.snap["momentum"] > 0 else 0.9)

    def render(self) -> Text:
        if not self.snap:
            return Text()
        return draw(self.snap, self.lang, self.size.width, self.size.height, self.panel)
