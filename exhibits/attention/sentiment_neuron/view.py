"""The sentiment unit: the probe's map of all units, the unit word by word, and steering.

Three panels (probe, words, steering) above a text box. When the view is short (80×24) one
panel shows at a time and `v` cycles them; when it is tall (120×40) the probe stays on top and
`v` switches the lower panel. Shapes carry the meaning (shade ramp, bars, + and − signs);
colour only helps.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from exhibits.attention.sentiment_neuron import drawing as d
from museum.i18n import pick
from museum.widgets import LabView, TextBox
from museum.widgets.live import LiveText

S = {
    "unit_alone": {"en": "unit {u} alone", "zh": "仅用单元 {u}"},
    "held_out": {"en": "held out", "zh": "留出集"},
    "goal": {"en": "goal ≥ {g:.2f}", "zh": "目标 ≥ {g:.2f}"},
    "all_units": {"en": "all {n} units", "zh": "全部 {n} 个单元"},
    "loss": {"en": "loss {loss:.2f}", "zh": "损失 {loss:.2f}"},
    "probe_at": {"en": "probe @{step}", "zh": "探针 @{step}"},
    "waiting": {
        "en": "The LM trains on next words only. Every {k} steps a probe fits one threshold "
        "per unit on 200 reviews and scores it on 200 held-out ones.",
        "zh": "语言模型只学预测下一个词。每 {k} 步，探针为每个单元在 200 条评论上拟合一个阈值，"
        "再在另外 200 条留出评论上打分。",
    },
    "legend": {
        "en": "each unit: ·<.6 ░.6 ▒.7 ▓.8 █≥.9 ◆{u}",
        "zh": "各单元：·<.6 ░.6 ▒.7 ▓.8 █≥.9 ◆{u}",
    },
    "example": {"en": "held-out review ({label})", "zh": "留出评论（{label}）"},
    "typed": {"en": "your text", "zh": "你的句子"},
    "pos": {"en": "positive", "zh": "正面"},
    "neg": {"en": "negative", "zh": "负面"},
    "unit": {"en": "unit {u}", "zh": "单元 {u}"},
    "scale": {"en": "▁−…█+: side of the probe's cut", "zh": "▁−…█+：在探针阈值的哪一侧"},
    "unknown": {"en": "‹word›? not in the {n} words", "zh": "‹词›? 不在 {n} 词词表中"},
    "no_unit": {
        "en": "no unit yet: the first probe comes at step {k}",
        "zh": "还没有单元：第 {k} 步做第一次探测",
    },
    "e_back": {"en": "e: back to the example", "zh": "e：回到示例"},
    "clamp": {"en": "k clamp: ", "zh": "k 钉住："},
    "clamp_off": {"en": "off (free)", "zh": "关（自由）"},
    "clamp_pos": {"en": "c{u} = {v:+.0f}, positive", "zh": "c{u} = {v:+.0f}，正面"},
    "clamp_neg": {"en": "c{u} = {v:+.0f}, negative", "zh": "c{u} = {v:+.0f}，负面"},
    "resample": {"en": "s resample", "zh": "s 重新采样"},
    "measured": {"en": "· n={n} @{step}", "zh": "· 各 {n} 条 @{step}"},
    "shares": {
        "en": "positive: clamp+ {hi:.0%} · clamp− {lo:.0%} · free {off:.0%}",
        "zh": "正面比例：钉正 {hi:.0%} · 钉负 {lo:.0%} · 自由 {off:.0%}",
    },
    "gap": {
        "en": "gap {gap:+.0f} points (goal ≥ {goal:.0f})",
        "zh": "相差 {gap:+.0f} 点（目标 ≥ {goal:.0f}）",
    },
    "not_measured": {
        "en": "steering is measured once a unit reaches {g:.2f} held out",
        "zh": "单元在留出集上达到 {g:.2f} 后开始测量操控效果",
    },
    "verdict": {
        "en": "+ reads positive · − negative · 0 neither", "zh": "+ 读作正面 · − 负面 · 0 都不是",
    },
    "placeholder": {"en": "tab: type a sentence, enter", "zh": "tab：输入句子，回车"},
}
PANELS = ("probe", "words", "steer")
TALL = 17  # rows (above the text box) from which the probe stays on top of a second panel


class SentimentNeuronView(LabView):
    PLOT = {
        "unit_acc": {"en": "probe's unit, held out", "zh": "所选单元（留出）"},
        "all_acc": {"en": "all units (logistic)", "zh": "全部单元"},
    }
    KEYS = (
        ("v", {"en": "next panel (probe, words, steering)", "zh": "切换面板（探针、逐词、操控）"}),
        ("k", {
            "en": "clamp the unit: off → positive → negative", "zh": "钉住单元：关 → 正面 → 负面",
        }),
        ("s", {"en": "new samples with the current clamp", "zh": "用当前钉住方式重新采样"}),
        ("e", {"en": "show the held-out example again", "zh": "重新显示留出示例"}),
        ("tab", {
            "en": "type a sentence (escape leaves the box)", "zh": "输入句子（escape 离开输入框）",
        }),
    )
    BINDINGS = [
        Binding("v", "panel", "panel", show=False),
        Binding("k", "clamp", "clamp", show=False),
        Binding("s", "resample", "resample", show=False),
        Binding("e", "example", "example", show=False),
    ]
    DEFAULT_CSS = """
    SentimentNeuronView { layout: vertical; }
    SentimentNeuronView > Static { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    SentimentNeuronView > #sn-lower { margin-top: 1; }
    SentimentNeuronView > TextBox { dock: bottom; }
    """
    can_focus = True

    def __init__(self, lang: str = "en", **kwargs):
        super().__init__(lang=lang, **kwargs)
        self.panel = 0  # one panel at a time (short view): index into PANELS
        self.lower = 1  # tall view: the panel under the probe (words or steer)

    def compose(self) -> ComposeResult:
        yield LiveText(id="sn-upper")
        yield LiveText(id="sn-lower")
        yield TextBox(placeholder=pick(S["placeholder"], self.lang), id="sn-text")

    # -- keys ----------------------------------------------------------------------------------
    def tall(self) -> bool:
        return self.size.height - 3 >= TALL

    def action_panel(self) -> None:
        if self.tall():
            self.lower = 2 if self.lower == 1 else 1
            self.panel = self.lower
        else:
            self.panel = (self.panel + 1) % len(PANELS)
            if self.panel:
                self.lower = self.panel
        self.redraw()

    def _show_panel(self, index: int) -> None:
        self.lower = index
        if not self.tall():
            self.panel = index
        self.redraw()

    def action_clamp(self) -> None:
        self.command("clamp", None)
        self._show_panel(2)

    def action_resample(self) -> None:
        self.command("resample", None)
        self._show_panel(2)

    def action_example(self) -> None:
        self.command("example", None)
        self._show_panel(1)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.command("text", event.value)
        self._show_panel(1)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        # escape leaves the text box with nothing focused; take focus back so v, k, s work
        self.refocus_soon()

    def on_resize(self, event: events.Resize) -> None:
        self.redraw()

    # -- drawing -------------------------------------------------------------------------------
    def show(self, update) -> None:
        super().show(update)
        self.redraw()

    def redraw(self) -> None:
        update = self.update_seen
        if update is None or not update.snapshot or not self.is_mounted:
            return
        snap = update.snapshot
        width = max(20, self.size.width)
        rows = max(4, self.size.height - 3)
        upper, lower = self.query_one("#sn-upper", Static), self.query_one("#sn-lower", Static)
        if self.tall():
            probe_rows = 8 if rows >= 22 else 7
            upper.update(self.probe_text(snap, width, probe_rows))
            lower.update(self.panel_text(PANELS[self.lower], snap, width, rows - probe_rows - 1))
            lower.display = True
        else:
            upper.update(self.panel_text(PANELS[self.panel], snap, width, rows))
            lower.display = False

    def panel_text(self, name: str, snap: dict, width: int, rows: int) -> Text:
        if name == "probe":
            return self.probe_text(snap, width, rows)
        if name == "words":
            return self.words_text(snap, width, rows)
        return self.steer_text(snap, width, rows)

    def probe_text(self, snap: dict, width: int, rows: int) -> Text:
        lang, p = self.lang, snap["probe"]
        text = Text(no_wrap=True, overflow="ellipsis")
        if p is None:
            words = pick(S["waiting"], lang).format(k=snap["probe_every"])
            lines = d.wrap_cells(words, width) if lang == "zh" else d.wrap(words, width)
            return d.rows_text([Text(line, "dim") for line in lines])
        ok = p["acc_unit"] >= snap["goal"]
        text.append(pick(S["unit_alone"], lang).format(u=p["unit"]) + f": {p['acc_unit']:.3f} ",
                    "bold")
        text.append(pick(S["held_out"], lang) + " ")
        text.append(("✓ " if ok else "· ") + pick(S["goal"], lang).format(g=snap["goal"]),
                    "green" if ok else "dim")
        text.append("\n" + pick(S["all_units"], lang).format(n=snap["hidden"]) +
                    f": {p['acc_all']:.3f}")
        text.append(" · " + pick(S["loss"], lang).format(loss=snap["loss"]) + " · " +
                    pick(S["probe_at"], lang).format(step=p["step"]), "dim")
        grid_rows = 8 if rows >= 11 and width >= 16 * 3 + 5 else 4
        grid = d.heatmap(list(p["acc_per_unit"]), p["unit"], width, grid_rows)
        return d.rows_text([text, grid, Text(pick(S["legend"], lang).format(u=p["unit"]), "dim")])

    def words_text(self, snap: dict, width: int, rows: int) -> Text:
        lang, p, w = self.lang, snap["probe"], snap["words"]
        head = Text(no_wrap=True, overflow="ellipsis")
        if w["typed"]:
            head.append(pick(S["typed"], lang), "bold")
        else:
            label = pick(S["pos"] if w["label"] > 0 else S["neg"], lang)
            head.append(pick(S["example"], lang).format(label=label), "bold")
        if p is None:
            head.append("\n" + pick(S["no_unit"], lang).format(k=snap["probe_every"]), "dim")
            return head
        head.append(" · " + pick(S["unit"], lang).format(u=p["unit"]), "dim")
        cells = d.word_cells(w["tokens"], w["known"], w["values"], p)
        notes = []
        if not all(w["known"]):
            notes.append(pick(S["unknown"], lang).format(n=snap["vocab"]))
        if w["typed"]:
            notes.append(pick(S["e_back"], lang))
        notes.append(pick(S["scale"], lang))
        body_rows = max(1, rows - 2)
        body, complete = d.words_under(cells, width, body_rows)
        if not complete:  # two rows a line do not fit: words and bars side by side
            body = d.words_beside(cells, width, body_rows)
        spare = max(1, rows - 1 - len(body.plain.splitlines()))
        note = " · ".join(notes)
        lines = d.wrap_cells(note, width) if lang == "zh" else d.wrap(note, width)
        foot = [Text(line, "dim") for line in lines][:spare]
        return d.rows_text([head, body, *foot])

    def steer_text(self, snap: dict, width: int, rows: int) -> Text:
        lang, p, st = self.lang, snap["probe"], snap["steer"]
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(pick(S["clamp"], lang), "bold")
        if snap["clamp"] == "off" or p is None:
            text.append(pick(S["clamp_off"], lang))
        else:
            key = "clamp_pos" if snap["clamp"] == "pos" else "clamp_neg"
            text.append(pick(S[key], lang).format(u=p["unit"], v=snap["clamp_value"]),
                        "bold green" if snap["clamp"] == "pos" else "bold red")
        text.append(" · " + pick(S["resample"], lang), "dim")
        lines = [text]
        if st is None:
            goal = snap["goal"]
            lines.append(Text(pick(S["not_measured"], lang).format(g=goal), "dim", no_wrap=True,
                              overflow="ellipsis"))
        else:
            gap = 100 * (st["high"] - st["low"])
            shares = Text(pick(S["shares"], lang).format(hi=st["high"], lo=st["low"],
                                                          off=st["off"]))
            head = Text(pick(S["gap"], lang).format(gap=gap, goal=50) + " ",
                        "green" if gap >= 50 else "")
            head.append(pick(S["measured"], lang).format(n=st["n"], step=st["step"]), "dim")
            lines += [shares, head]
        budget = rows - len(lines) - 1
        for sample in snap["samples"]:
            score = sample["score"]
            mark = "+" if score > 0 else "−" if score < 0 else "0"
            wrapped = d.wrap(sample["text"], width - 2)
            for i, line in enumerate(wrapped):
                if budget <= 0:
                    break
                row = Text(no_wrap=True, overflow="ellipsis")
                row.append((mark if i == 0 else " ") + " ", "bold " + d.style_for(mark))
                row.append(line)
                lines.append(row)
                budget -= 1
        lines.append(Text(pick(S["verdict"], lang), "dim"))
        return d.rows_text(lines)
