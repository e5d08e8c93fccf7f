"""The tiny GPT writing as it learns: its held-out loss against the bigram's, the sample it is
typing now, and (key v, or beside it when wide) where one head looks over the last characters."""

from __future__ import annotations

import math
import textwrap

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from museum.i18n import pick
from museum.widgets import LabView, TextBox
from museum.widgets.heatmap import heatmap_text
from museum.widgets.live import LiveText

S = {
    "loading": {
        "en": "Reading the standard library's docstrings… (the first step takes a few seconds)",
        "zh": "正在读取标准库的文档字符串……（第一步需要几秒钟）",
    },
    "press_space": {
        "en": "Press space to start. The first step reads the standard library's docstrings "
        "(a few seconds); then it learns and writes as it goes.",
        "zh": "按空格开始。第一步会读取标准库的文档字符串（几秒钟），之后边学边写。",
    },
    "loss_title": {"en": "held-out loss, nats/char", "zh": "留出集损失（奈特/字符）"},
    "model": {"en": "model", "zh": "模型"},
    "bigram": {"en": "bigram", "zh": "二元"},
    "uniform": {"en": "guessing among 97 characters: {v:.2f}", "zh": "97 个字符里瞎猜：{v:.2f}"},
    "below": {"en": "{d:+.2f} vs bigram", "zh": "比二元 {d:+.2f}"},
    "temp": {"en": "T {t:g} (t)", "zh": "温度 {t:g}（t）"},
    "greedy": {"en": "greedy", "zh": "贪心"},
    "prompt_label": {"en": "prompt›", "zh": "开头›"},
    "placeholder": {
        "en": "tab: type a beginning, enter",
        "zh": "tab：输入开头，回车",
    },
    "writing": {"en": "writing now · from step {s} · T {t} (t)",
                "zh": "正在写 · 自第 {s} 步 · 温度 {t}（t）"},
    "earlier": {"en": "written at step {s} · T {t}", "zh": "第 {s} 步所写 · 温度 {t}"},
    "att_title": {"en": "layer {l} · head {h} (h: next)", "zh": "第 {l} 层 · 第 {h} 头（h 切换）"},
    "att_help": {"en": "row: where that character looks", "zh": "每行：该字符看向哪里"},
    "att_wait": {"en": "(the sample is too short yet)", "zh": "（样本还太短）"},
    "params": {
        "en": "{p:,} parameters · {c:,} training characters",
        "zh": "{p:,} 个参数 · {c:,} 个训练字符",
    },
}
UNIFORM = math.log(97)  # nats: a uniform guess over the alphabet (96 characters + unknown)
TEMPERATURES = (0.5, 0.8, 1.0, 1.3)


def show_char(c: str) -> str:
    return {"\n": "↵", " ": "␣"}.get(c, c)


def flat(text: str) -> str:
    """Newlines as ↵ so a sample keeps to few rows."""
    return text.replace("\n", "↵")


def wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(flat(text), max(8, width), drop_whitespace=False,
                         break_long_words=True, replace_whitespace=False) or [""]


def rule(label: str, width: int) -> str:
    """─ label ──────, exactly ``width`` cells (CJK counts double)."""
    head = "─ " + label + " "
    if cell_len(head) >= width:
        return set_cell_size(head, width)
    return head + "─" * (width - cell_len(head))


def bar(value: float, width: int, scale: float = UNIFORM) -> str:
    if not math.isfinite(value):
        return ""
    cells = max(0.0, min(1.0, value / scale)) * width
    full = int(cells)
    return "█" * full + ("▌" if cells - full >= 0.5 else "")


class GptView(LabView):
    can_focus = True
    PLOT = {
        "val_loss": {"en": "held-out loss (model)", "zh": "留出集损失（模型）"},
        "bigram": {"en": "bigram", "zh": "二元模型"},
    }
    KEYS = (
        ("t", {"en": "temperature: 0.5 → 0.8 → 1.0 → 1.3", "zh": "温度：0.5 → 0.8 → 1.0 → 1.3"}),
        ("s", {"en": "start a new sample now", "zh": "立即开始新样本"}),
        ("h", {"en": "next attention head", "zh": "下一个注意力头"}),
        ("v", {"en": "writing ⇄ attention (narrow screens)", "zh": "写作 ⇄ 注意力（窄屏）"}),
        ("tab", {"en": "type a prompt; enter writes from it, esc leaves",
                 "zh": "输入开头；回车从它开始写，esc 离开"}),
    )
    BINDINGS = [
        Binding("t", "temperature", "T", show=False),
        Binding("s", "new_sample", "sample", show=False),
        Binding("h", "next_head", "head", show=False),
        Binding("v", "panel", "view", show=False),
    ]
    DEFAULT_CSS = """
    GptView { layout: vertical; }
    GptView #gpt-top { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    GptView #gpt-writing, GptView #gpt-att-map { text-wrap: nowrap; text-overflow: clip; }
    GptView #gpt-att-title { text-wrap: nowrap; text-overflow: ellipsis; height: 2; }
    GptView #gpt-prompt { height: 1; }
    GptView #gpt-prompt > Static { width: auto; margin-right: 1; }
    GptView TextBox { height: 1; border: none; padding: 0; width: 1fr; background: $boost; }
    GptView TextBox:focus { border: none; background: $accent 30%; }
    GptView #gpt-panels { height: 1fr; }
    GptView #gpt-writing { width: 1fr; }
    GptView #gpt-attention { width: 34; margin-left: 1; }
    GptView #gpt-attention.-narrow { width: 1fr; margin-left: 0; }
    """

    def __init__(self, lang: str = "en", **kwargs):
        super().__init__(lang=lang, **kwargs)
        self.head = 0  # which of the layers × heads maps the heatmap shows
        self.panel = 0  # narrow screens: 0 writing, 1 attention
        self.temperature: float | None = None

    def compose(self) -> ComposeResult:
        yield LiveText(id="gpt-top")
        with Horizontal(id="gpt-prompt"):
            yield Static(Text(pick(S["prompt_label"], self.lang), "bold"))
            yield TextBox(placeholder=pick(S["placeholder"], self.lang), max_length=200)
        with Horizontal(id="gpt-panels"):
            yield LiveText(id="gpt-writing")
            with Vertical(id="gpt-attention"):
                yield LiveText(id="gpt-att-title")
                yield LiveText(id="gpt-att-map")

    # -- the visitor -----------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.command("prompt", event.value)
        self.focus()

    def on_descendant_blur(self, event) -> None:
        # escape leaves the text box with nothing focused; take focus back so t/h/v/s work
        if isinstance(event.widget, TextBox):
            self.refocus_soon()

    def action_temperature(self) -> None:
        current = self.temperature if self.temperature is not None else 0.8
        later = [t for t in TEMPERATURES if t > current + 1e-9]
        self.temperature = later[0] if later else TEMPERATURES[0]
        self.command("temperature", self.temperature)

    def action_new_sample(self) -> None:
        self.command("sample", None)

    def action_next_head(self) -> None:
        self.head += 1
        self._redraw()

    def action_panel(self) -> None:
        self.panel = 1 - self.panel
        self._redraw()

    # -- drawing ---------------------------------------------------------------------------
    def show(self, update) -> None:
        super().show(update)
        self.temperature = update.snapshot.get("temperature", self.temperature)
        self._redraw()

    def on_resize(self, _event) -> None:
        self._redraw()

    def _wide(self) -> bool:
        return self.size.width >= 64 and self.size.height >= 14

    def _redraw(self) -> None:
        update = self.update_seen
        if update is None or not update.snapshot or not self.is_mounted:
            return
        snap, lang = update.snapshot, self.lang
        wide = self._wide()
        width = max(20, self.size.width)
        top = self.query_one("#gpt-top", Static)
        writing = self.query_one("#gpt-writing", Static)
        attention = self.query_one("#gpt-attention", Vertical)
        if not snap.get("loaded"):
            key = "loading" if update.state == "running" else "press_space"
            top.update(Text(pick(S[key], lang), "italic"))
            top.styles.text_wrap = "wrap"
            writing.update("")
            attention.display = False
            return
        top.styles.text_wrap = "nowrap"
        top.update(self._top(snap, width, wide))
        panels_h = max(3, self.size.height - (6 if wide else 4))
        show_att = wide or self.panel == 1
        attention.display = show_att
        writing.display = wide or self.panel == 0
        attention.set_class(not wide, "-narrow")
        n = max(2, min(16, panels_h - 3))  # title, help line, column labels, n rows
        att_w = 34  # the attention column (CSS) when wide
        text_w = width - att_w - 1 if wide else width
        if writing.display:
            writing.update(self._writing(snap, text_w, panels_h))
        if show_att:
            self._attention(snap, n, att_w if wide else width)

    def _top(self, snap: dict, width: int, wide: bool) -> Text:
        lang = self.lang
        val, big = snap["val_loss"], snap["bigram_loss"]
        label_w = 7
        bar_w = max(6, width - label_w - 6)
        text = Text()
        text.append(pick(S["loss_title"], lang), "bold")
        if math.isfinite(val) and math.isfinite(big):
            text.append("  " + pick(S["below"], lang).format(d=val - big), "bold")
        text.append("\n")
        for name, value, style in (("model", val, "bold cyan"), ("bigram", big, "")):
            label = pick(S[name], lang)
            text.append(label + " " * max(1, label_w - cell_len(label)), style)
            text.append(f"{value:5.2f} " if math.isfinite(value) else "  …   ")
            text.append(bar(value, bar_w) + "\n", style or "dim")
        if wide:  # the bars' scale, and the size of things
            text.append(pick(S["uniform"], lang).format(v=UNIFORM) + "\n", "dim")
            text.append(pick(S["params"], lang).format(p=snap["params"], c=snap["train_chars"]),
                        "dim")
        else:
            text.rstrip()
        return text

    def _writing(self, snap: dict, width: int, height: int) -> Text:
        lang = self.lang
        text = Text(no_wrap=True, overflow="crop")
        t = snap["temperature"]
        head = pick(S["writing"], lang).format(s=snap["writing_step"], t=f"{t:g}")
        text.append(rule(head, width) + "\n", "bold")
        room = height - 1
        if snap.get("note"):  # what became of the visitor's prompt
            text.append(snap["note"][:width] + "\n", "italic yellow")
            room -= 1
        now = wrap(snap["writing"] + "▌", width)
        earlier = list(reversed(snap["samples"]))
        keep_for_earlier = 3 if earlier and room >= 7 else 0
        shown = now[-max(1, room - keep_for_earlier):]
        text.append("\n".join(shown))
        room -= len(shown)
        for sample in earlier:
            if room < 3:
                break
            t_then = f"{sample['temperature']:g}"
            label = pick(S["earlier"], lang).format(s=sample["step"], t=t_then)
            text.append("\n" + rule(label, width), "dim")
            lines = wrap(sample["text"], width)[: room - 1]
            text.append("\n" + "\n".join(lines), "dim")
            room -= 1 + len(lines)
        return text

    def _attention(self, snap: dict, n: int, width: int) -> None:
        lang = self.lang
        maps, chars = snap["attention"], snap["attention_chars"]
        count = len(maps)
        title = self.query_one("#gpt-att-title", Static)
        grid = self.query_one("#gpt-att-map", Static)
        k = self.head % max(1, count)
        layer, head = divmod(k, max(1, snap["heads"]))
        title.update(Text.assemble(
            (pick(S["att_title"], lang).format(l=layer + 1, h=head + 1), "bold"), "\n",
            (pick(S["att_help"], lang), "dim")))
        if len(chars) < 2:
            grid.update(Text(pick(S["att_wait"], lang), "dim"))
            return
        # every column (all the characters the model read for this map), the last n rows
        labels = [show_char(c) for c in chars]
        grid.update(heatmap_text(maps[k][-n:].tolist(), rows=labels[-n:], cols=labels,
                                 cell_width=2, vmin=0.0, vmax=1.0))
