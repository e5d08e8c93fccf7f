"""The tiny BERT filling in the visitor's [MASK]: its five best words with probabilities, its
held-out accuracy beside the counting baselines, and (key v, or beside it when wide) where one
attention head looks over the sentence."""

from __future__ import annotations

import math

from rich.cells import cell_len
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
        "(a few seconds); then it learns to fill in blanks.",
        "zh": "按空格开始。第一步会读取标准库的文档字符串（几秒钟），之后学习完形填空。",
    },
    "held_out": {"en": "held-out:", "zh": "留出集猜中率："},
    "model": {"en": "model", "zh": "模型"},
    "unigram": {"en": "always “{w}”", "zh": "总猜“{w}”"},
    "left": {"en": "commonest after the left word", "zh": "左邻词后最常见的词"},
    "both": {"en": "commonest between both neighbours", "zh": "两侧邻词之间最常见的词"},
    "left_short": {"en": "left word", "zh": "左邻"},
    "both_short": {"en": "both", "zh": "两侧"},
    "times": {"en": "= {r:.1f}× “{w}”", "zh": "= “{w}”的 {r:.1f} 倍"},
    "label": {"en": "sentence›", "zh": "句子›"},
    "placeholder": {
        "en": "tab, type a sentence with [MASK], enter",
        "zh": "按 tab，输入带 [MASK] 的句子，回车",
    },
    "no_query": {
        "en": "Type a sentence with [MASK] (tab), or press e for an example.",
        "zh": "输入带 [MASK] 的句子（tab），或按 e 看例子。",
    },
    "waiting": {"en": "(answered after the first step)", "zh": "（第一步之后作答）"},
    "top5": {"en": "its five best guesses, step {s}:", "zh": "第 {s} 步的五个最佳猜测："},
    "att_title": {
        "en": "layer {l} head {h} (h) · row: where a word looks",
        "zh": "第 {l} 层第 {h} 头（h）· 每行：该词看向哪里",
    },
    "example": {"en": "(e) {i}/{n}: {why}", "zh": "（e）{i}/{n}：{why}"},
    "counts_note": {
        "en": "(counts, not learned: not beaten in minutes)",
        "zh": "（计数而非学习；几分钟内赢不了）",
    },
}

# (sentence, the word this model names once trained a while, why it is here). Measured with
# seeds 0 and 1: the first three from about step 600, the fourth from about step 1,000. In the
# first three nothing stands left of [MASK]: only the words to the right can decide.
EXAMPLES = (
    ("[MASK] class allows communication via SSL.", "this",
     {"en": "nothing on its left: right decides", "zh": "左边没有词：只有右边能决定"}),
    ("[MASK] there were any options.", "if",
     {"en": "nothing on its left; another word", "zh": "左边同样没有词；换了个词"}),
    ("[MASK] final path component, if any.", "the",
     {"en": "right only; here “the” is right", "zh": "只有右边；这次“the”恰好对"}),
    ("Open the [MASK] for reading.", "file",
     {"en": "both sides; learnt by ~step 1,000", "zh": "两侧都有；约第 1,000 步才学会"}),
    ("Raise ValueError if the [MASK] is negative.", None,
     {"en": "many words fit", "zh": "很多词都说得通"}),
)


def pct(value: float) -> str:
    return f"{100 * value:4.1f}%" if value is not None and math.isfinite(value) else "  …  "


def bar(fraction: float, width: int) -> str:
    cells = max(0.0, min(1.0, fraction)) * width
    full = int(cells)
    return "█" * full + ("▌" if cells - full >= 0.5 else "")


def short(word: str, width: int) -> str:
    return word if len(word) <= width else word[: width - 1] + "…"


class BertView(LabView):
    can_focus = True
    PLOT = {
        "accuracy": {"en": "held-out", "zh": "留出集准确率"},
        "unigram": {"en": "“the”", "zh": "总猜“the”"},
        "left_word": {"en": "left word", "zh": "左邻词计数"},
    }
    KEYS = (
        ("e", {"en": "next example sentence", "zh": "下一个例句"}),
        ("h", {"en": "next attention head", "zh": "下一个注意力头"}),
        ("v", {"en": "guesses ⇄ attention (narrow screens)", "zh": "猜测 ⇄ 注意力（窄屏）"}),
        ("tab", {"en": "type a sentence with [MASK]; enter asks, esc leaves",
                 "zh": "输入带 [MASK] 的句子；回车提问，esc 离开"}),
    )
    BINDINGS = [
        Binding("e", "example", "example", show=False),
        Binding("h", "next_head", "head", show=False),
        Binding("v", "panel", "view", show=False),
    ]
    DEFAULT_CSS = """
    BertView { layout: vertical; }
    BertView #bert-top { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    BertView #bert-guess, BertView #bert-att-map { text-wrap: nowrap; text-overflow: clip; }
    BertView #bert-att-title { text-wrap: nowrap; text-overflow: ellipsis; }
    BertView #bert-prompt { height: 1; }
    BertView #bert-prompt > Static { width: auto; margin-right: 1; }
    BertView TextBox { height: 1; border: none; padding: 0; width: 1fr; background: $boost; }
    BertView TextBox:focus { border: none; background: $accent 30%; }
    BertView #bert-panels { height: 1fr; }
    BertView #bert-guess { width: 1fr; }
    BertView #bert-attention { width: auto; margin-left: 1; }
    BertView #bert-attention.-narrow { width: 1fr; margin-left: 0; }
    """

    def __init__(self, lang: str = "en", **kwargs):
        super().__init__(lang=lang, **kwargs)
        self.head = 0
        self.panel = 0  # narrow screens: 0 guesses, 1 attention
        self.example = 0  # the first example is the lab's opening sentence

    def compose(self) -> ComposeResult:
        yield LiveText(id="bert-top")
        with Horizontal(id="bert-prompt"):
            yield Static(Text(pick(S["label"], self.lang), "bold"))
            yield TextBox(placeholder=pick(S["placeholder"], self.lang), max_length=200)
        with Horizontal(id="bert-panels"):
            yield LiveText(id="bert-guess")
            with Vertical(id="bert-attention"):
                yield LiveText(id="bert-att-title")
                yield LiveText(id="bert-att-map")

    # -- the visitor -----------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.example = -1  # the visitor's own sentence
        self.command("text", event.value)
        self.focus()

    def on_descendant_blur(self, event) -> None:
        if isinstance(event.widget, TextBox):  # escape left the box: keep e/h/v working
            self.refocus_soon()

    def action_example(self) -> None:
        self.example = (self.example + 1) % len(EXAMPLES)
        self.command("text", EXAMPLES[self.example][0])

    def action_next_head(self) -> None:
        self.head += 1
        self._redraw()

    def action_panel(self) -> None:
        self.panel = 1 - self.panel
        self._redraw()

    # -- drawing ---------------------------------------------------------------------------
    def show(self, update) -> None:
        super().show(update)
        self._redraw()

    def on_resize(self, _event) -> None:
        self._redraw()

    def _wide(self) -> bool:
        return self.size.width >= 64 and self.size.height >= 12

    def _redraw(self) -> None:
        update = self.update_seen
        if update is None or not update.snapshot or not self.is_mounted:
            return
        snap, lang = update.snapshot, self.lang
        wide = self._wide()
        width = max(24, self.size.width)
        top = self.query_one("#bert-top", Static)
        guess = self.query_one("#bert-guess", Static)
        attention = self.query_one("#bert-attention", Vertical)
        if not snap.get("loaded"):
            key = "loading" if update.state == "running" else "press_space"
            top.update(Text(pick(S[key], lang), "italic"))
            top.styles.text_wrap = "wrap"
            guess.update(Text(pick(S["waiting"], lang), "dim"))
            attention.display = False
            return
        top.styles.text_wrap = "nowrap"
        top.update(self._top(snap, width, wide))
        query = snap.get("query")
        show_att = query is not None and (wide or self.panel == 1)
        attention.display = show_att
        guess.display = wide or self.panel == 0 or query is None
        attention.set_class(not wide, "-narrow")
        att_w = min(40, width - 31) if wide else width  # the heatmap's budget of columns
        attention.styles.width = att_w if wide else None  # narrow: the CSS's 1fr
        guess_w = width - att_w - 1 if (wide and show_att) else width
        rows = self.size.height - (7 if wide else 3)  # below the top lines and the box
        if guess.display:
            guess.update(self._guesses(snap, guess_w, rows))
        if show_att:
            self._attention(snap, att_w, rows)

    def _top(self, snap: dict, width: int, wide: bool) -> Text:
        lang = self.lang
        base = snap["baselines"]
        acc = snap["accuracy"]
        word = snap["top_word"]
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(pick(S["held_out"], lang) + " ", "bold")
        text.append(f"{pick(S['model'], lang)} {pct(acc).strip()}", "bold cyan")
        if math.isfinite(acc) and base["unigram"] > 0:
            ratio = acc / base["unigram"]
            text.append("  " + pick(S["times"], lang).format(r=ratio, w=word), "bold")
        text.append("\n")
        if wide:  # one bar each: the model against the three baselines
            rows = (
                (pick(S["model"], lang), acc, "bold cyan"),
                (pick(S["unigram"], lang).format(w=word), base["unigram"], ""),
                (pick(S["left"], lang), base["left"], ""),
                (pick(S["both"], lang), base["both"], "dim"),
            )
            label_w = max(cell_len(r[0]) for r in rows) + 1
            bar_w = max(6, width - label_w - 7)
            scale = max(0.3, *(v for _, v, _ in rows if math.isfinite(v)))
            for label, value, style in rows:
                text.append(label + " " * (label_w - cell_len(label)), style)
                text.append(pct(value) + " ")
                if math.isfinite(value):
                    text.append(bar(value / scale, bar_w), style or "dim")
                text.append("\n")
            text.append(pick(S["counts_note"], lang), "dim")
        else:
            text.append(f"“{word}” {pct(base['unigram']).strip()}"
                        f" · {pick(S['left_short'], lang)} {pct(base['left']).strip()}"
                        f" · {pick(S['both_short'], lang)} {pct(base['both']).strip()}", "dim")
        return text

    def _guesses(self, snap: dict, width: int, rows: int) -> Text:
        lang = self.lang
        query = snap.get("query")
        text = Text(no_wrap=True, overflow="ellipsis")
        if query is None:
            pending = snap.get("pending")
            text.append(pending + "\n" if pending else "")
            text.append(pick(S["no_query"], lang), "dim")
            return text
        words, at = query["words"], query["at"]
        shown = ["[MASK]" if i == at else w + ("?" if w in query["unknown"] else "")
                 for i, w in enumerate(words)]
        lo, hi = at, at + 1  # grow a window of words around [MASK] while it fits one line
        while True:
            grown = False
            for cand in ((lo - 1, hi), (lo, hi + 1)):
                if 0 <= cand[0] and cand[1] <= len(words):
                    need = len(" ".join(shown[cand[0]:cand[1]])) + 4  # room for "… " ends
                    if need <= width:
                        lo, hi, grown = cand[0], cand[1], True
            if not grown:
                break
        if lo > 0:
            text.append("… ", "dim")
        for i in range(lo, hi):
            if i > lo:
                text.append(" ")
            style = "bold reverse" if i == at else (
                "italic dim" if words[i] in query["unknown"] else "")
            text.append(shown[i], style)
        if hi < len(words):
            text.append(" …", "dim")
        text.append("\n")
        if rows >= 8:  # the sentence, this, five guesses and the example's note
            text.append(pick(S["top5"], lang).format(s=snap["steps"]) + "\n", "dim")
        word_w = min(12, max((len(w) for w, _ in query["top"]), default=4))
        bar_w = max(4, width - word_w - 10)
        scale = max(0.2, query["top"][0][1]) if query["top"] else 1.0  # bars: top word ≥ 20%
        for rank, (w, p) in enumerate(query["top"], 1):
            style = "bold" if rank == 1 else ""
            text.append(f"{rank} {short(w, word_w):<{word_w}} ", style)
            text.append(f"{100 * p:5.1f}% ")
            text.append(bar(p / scale, bar_w) + "\n", style or "dim")
        if 0 <= self.example < len(EXAMPLES) and query["text"] == EXAMPLES[self.example][0]:
            why = pick(EXAMPLES[self.example][2], lang)
            text.append(pick(S["example"], lang).format(i=self.example + 1, n=len(EXAMPLES),
                                                        why=why), "italic")
        elif query.get("note"):
            text.append(query["note"], "italic yellow")
        return text

    def _attention(self, snap: dict, width: int, height: int) -> None:
        """One head's map over the sentence; if it does not fit, the words nearest [MASK]."""
        lang = self.lang
        query = snap["query"]
        maps = query["attention"]
        k = self.head % max(1, len(maps))
        layer, head = divmod(k, max(1, snap["heads"]))
        self.query_one("#bert-att-title", Static).update(
            Text(pick(S["att_title"], lang).format(l=layer + 1, h=head + 1), "bold"))
        words = ["[M]" if i == query["at"] else w for i, w in enumerate(query["words"])]
        n, at = len(words), query["at"]
        label_w = min(9, max(len(w) for w in words))
        cell = 3 if label_w + 1 + 3 * n <= width else 2
        cols = window(n, at, max(1, (width - label_w - 1) // cell))
        rows = window(n, at, max(1, height - 2))
        grid = [list(maps[k][i][cols.start:cols.stop]) for i in rows]
        self.query_one("#bert-att-map", Static).update(heatmap_text(
            grid, rows=[short(words[i], label_w) for i in rows],
            cols=[words[j][: cell - 1] for j in cols], cell_width=cell, vmin=0.0, vmax=1.0))


def window(n: int, at: int, size: int) -> range:
    """``size`` consecutive indices of ``range(n)`` around ``at``."""
    size = min(n, size)
    start = max(0, min(at - size // 2, n - size))
    return range(start, start + size)
