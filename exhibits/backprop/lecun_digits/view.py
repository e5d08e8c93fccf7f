"""The digits convnet: what it reads on your drawing, its confusions, filters and mistakes.

At 80×24 the lab column holds one panel at a time (``v`` cycles: drawing, confusion matrix,
filters, misread digits). When it is wide and tall enough (120×40), all four show at once:
drawing, prediction and filters on top, confusion matrix and misread digits below.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from exhibits.backprop.lecun_digits.grid import DrawGrid
from museum.i18n import pick
from museum.widgets import LabView
from museum.widgets.blocks import image_text
from museum.widgets.live import LiveText

S = {
    "reads": {"en": "reads", "zh": "读作"},
    "empty": {"en": "grid empty: tab to draw", "zh": "网格是空的：按 tab 画"},
    "empty_focused": {"en": "grid empty: draw a digit", "zh": "网格是空的：画一个数字"},
    "waiting": {"en": "reading…", "zh": "正在读…"},
    "sample": {"en": "held-out #{i}, a {d}", "zh": "留出样本 #{i}，是 {d}"},
    "yours": {"en": "your drawing", "zh": "你画的数字"},
    "held_out": {"en": "held out {acc:.1f}% ({c}/{n})", "zh": "留出集 {acc:.1f}%（{c}/{n}）"},
    "hint": {"en": "tab draw · s next · v panels", "zh": "tab 画 · s 换样本 · v 面板"},
    "hint_wide": {"en": "tab draw · s next digit", "zh": "tab 画 · s 换样本"},
    "grid_keys": {
        "en": "←↑↓→ move · ␣ ink\n1-4 shade · 0 erase\np pen {pen} · x clear\ns next · esc done",
        "zh": "←↑↓→ 移动 · ␣ 落墨\n1-4 深浅 · 0 擦除\np 画笔{pen} · x 清空\ns 换样本 · esc 完成",
    },
    "on": {"en": "on", "zh": "开"},
    "off": {"en": "off", "zh": "关"},
    "confusion_title": {
        "en": "confusion: row true, col read",
        "zh": "混淆矩阵：行为真实，列为读作",
    },
    "confusion_side": {
        "en": "confusion\nrow: true\ncol: read\n\n{c}/{n}\nright at\nstep {s}\n\nv: next",
        "zh": "混淆矩阵\n行：真实\n列：读作\n\n对 {c}/{n}\n第 {s} 步\n\nv：下一面板",
    },
    "filters_title": {"en": "first-layer filters, 3×3", "zh": "第一层滤波器，3×3"},
    "filters_legend": {"en": "█ +  ▒ 0  blank −", "zh": "█ 正  ▒ 零  空白 负"},
    "filters_side": {
        "en": "first-layer\nfilters, 3×3,\nshared over\nthe image\n\n█ positive\n▒ zero\n"
              "blank negative\n\nv: next",
        "zh": "第一层滤波器\n3×3，权值在\n整幅图上共享\n\n█ 正\n▒ 零\n空白 负\n\nv：下一面板",
    },
    "mistakes": {"en": "misread {n}/{total} (true→read)", "zh": "读错 {n}/{total}（真实→读作）"},
    "no_mistakes": {"en": "no held-out digit misread", "zh": "留出集没有读错的数字"},
    "more": {"en": " · m more", "zh": " · m 更多"},
    "asset": {
        "en": "The digits file cannot be used:\n{msg}\n\nThe museum itself is fine; other "
              "exhibits still work.",
        "zh": "无法使用数字数据文件：\n{msg}\n\n博物馆本身没有问题，其他展品仍可使用。",
    },
}
PANELS = ("draw", "confusion", "filters", "mistakes")
BAR = 10  # cells in a probability bar
DIGIT_W = 16  # an 8×8 digit, two cells per pixel
GRID_W = 17  # the drawing grid and its right margin
WIDE = (66, 20)  # the view's size from which everything shows at once
RESEND_SECONDS = 0.5  # how long to wait before sending again a drawing the lab has not got


def bar(p: float, width: int = BAR) -> str:
    """0..1 -> a bar of full and partial blocks (readable without colour)."""
    eighths = int(round(max(0.0, min(1.0, p)) * width * 8))
    full, part = divmod(eighths, 8)
    return ("█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")).ljust(width)


def side_by_side(blocks: list[Text], gap: int = 2) -> Text:
    """Rich Texts laid out left to right, each padded to its own widest line."""
    lines = [b.split("\n") for b in blocks]
    widths = [max((x.cell_len for x in block), default=0) for block in lines]
    height = max(len(x) for x in lines)
    out = Text(no_wrap=True, overflow="crop")
    for r in range(height):
        for i, block in enumerate(lines):
            line = block[r] if r < len(block) else Text("")
            if i:
                out.append(" " * gap)
            out.append_text(line)
            if i < len(lines) - 1:
                out.append(" " * (widths[i] - line.cell_len))
        if r < height - 1:
            out.append("\n")
    return out


def prediction_text(snap: dict, pixels: list[int], lang: str, focused: bool, pen: bool,
                    wide: bool = False) -> Text:
    """What the current model reads on the grid: the top three digits with probabilities."""
    text = Text(no_wrap=True, overflow="ellipsis")
    probs = snap["probs"]
    if not any(pixels):
        text.append(pick(S["empty_focused" if focused else "empty"], lang) + "\n", "dim")
    elif list(snap["drawing"]) != list(pixels):
        text.append(pick(S["waiting"], lang) + "\n", "dim")  # the lab has not read it yet
    else:
        order = sorted(range(10), key=lambda d: -probs[d])
        best = order[0]
        text.append(f"{pick(S['reads'], lang)} ", "bold")
        text.append(f" {best} ", "bold reverse")
        text.append(f"  {probs[best]:.0%}\n")
        for d in order[:3]:
            text.append(f"{d} ")
            text.append(bar(probs[d]), "cyan" if d == best else "")
            text.append(f" {probs[d]:>4.0%}\n")
    if focused:
        state = pick(S["on"] if pen else S["off"], lang)
        text.append(pick(S["grid_keys"], lang).format(pen=state), "italic")
        return text
    if any(pixels):
        if snap["sample_index"] is not None:
            line = pick(S["sample"], lang).format(i=snap["sample_index"], d=snap["sample_label"])
        else:
            line = pick(S["yours"], lang)
        text.append(line + "\n", "dim")
    acc = 100 * snap["held_out"]
    text.append(pick(S["held_out"], lang).format(acc=acc, c=snap["correct"], n=snap["n_test"]))
    text.append("\n" + pick(S["hint_wide" if wide else "hint"], lang), "dim")
    return text


def confusion_table(snap: dict, header: bool = True) -> Text:
    """A 10×10 table of counts; zeros as dots, so the few mistakes stand out without colour."""
    conf = snap["confusion"]
    text = Text(no_wrap=True, overflow="crop")
    if header:
        text.append("  " + "".join(f"{d:>3}" for d in range(10)) + "\n", "dim")
    for t in range(10):
        text.append(f"{t:>2}", "dim")
        for p in range(10):
            n = int(conf[t][p])
            if t == p:
                text.append(f"{n:>3}", "bold green")
            elif n:  # off the diagonal: a mistake (every other cell there is a dot)
                text.append(f"{n:>3}", "bold red")
            else:
                text.append("  ·", "dim")
        if t < 9:
            text.append("\n")
    return text


def correct_count(snap: dict) -> int:
    return int(sum(int(snap["confusion"][i][i]) for i in range(10)))


def confusion_text(snap: dict, lang: str, wide: bool, height: int) -> Text:
    if wide:
        title = Text(pick(S["confusion_title"], lang) + "\n", "bold")
        return Text.assemble(title, confusion_table(snap))
    side = pick(S["confusion_side"], lang).format(
        c=correct_count(snap), n=snap["n_test"], s=snap["evaluated_at"]
    )
    return side_by_side([confusion_table(snap, header=height >= 11), Text(side, "dim")], gap=1)


def filter_row(filters, indices, m: float, labels: bool) -> Text:
    out = Text(no_wrap=True, overflow="crop")
    if labels:
        out.append("".join(f"{i + 1:<7}" for i in indices).rstrip() + "\n", "dim")
    out.append_text(side_by_side([image_text(filters[i], vmin=-m, vmax=m) for i in indices], 1))
    return out


def filters_text(snap: dict, lang: str, wide: bool) -> Text:
    """The first layer's 3×3 filters on one symmetric scale: 0 is the middle shade."""
    filters = snap["filters"]  # (c1, 3, 3)
    m = float(abs(filters).max()) or 1.0
    half = (len(filters) + 1) // 2
    first, second = range(half), range(half, len(filters))
    if wide:  # 8 rows: title, 3 rows of filters, the legend, 3 rows of filters
        return Text.assemble(
            Text(pick(S["filters_title"], lang) + "\n", "bold"),
            filter_row(filters, first, m, labels=False), "\n",
            Text(pick(S["filters_legend"], lang) + "\n", "dim"),
            filter_row(filters, second, m, labels=False),
        )
    grid = Text.assemble(filter_row(filters, first, m, True), "\n",
                         filter_row(filters, second, m, True))
    return side_by_side([grid, Text(pick(S["filters_side"], lang), "dim")], gap=2)


def mistakes_text(snap: dict, lang: str, width: int, rows: int, page: int) -> Text:
    """Misread held-out digits as block images, captioned true→read; ``page`` pages on."""
    text = Text(no_wrap=True, overflow="crop")
    if snap["n_wrong"] == 0:
        text.append(pick(S["no_mistakes"], lang), "bold")
        return text
    images = snap["mistakes"]
    per_row = max(1, (width + 2) // (DIGIT_W + 2))
    per_page = per_row * max(1, rows)
    pages = max(1, -(-len(images) // per_page))
    start = (page % pages) * per_page
    shown = range(start, min(len(images), start + per_page))
    text.append(pick(S["mistakes"], lang).format(n=snap["n_wrong"], total=snap["n_test"]), "bold")
    if pages > 1:
        text.append(pick(S["more"], lang), "dim")
    for r0 in range(shown.start, shown.stop, per_row):
        chunk = range(r0, min(shown.stop, r0 + per_row))
        caption = "".join(
            f"{snap['mistake_true'][i]}→{snap['mistake_pred'][i]}".ljust(DIGIT_W + 2)
            for i in chunk
        )
        text.append("\n" + caption.rstrip() + "\n", "bold")
        text.append_text(side_by_side([image_text(images[i], vmin=0, vmax=16) for i in chunk]))
    return text


class DigitsView(LabView):
    DEFAULT_CSS = """
    DigitsView { layout: vertical; }
    DigitsView #dg-top { height: auto; }
    DigitsView DrawGrid { margin: 0 1 0 0; }
    DigitsView #dg-side { width: 1fr; height: auto; }
    DigitsView #dg-right { width: auto; height: auto; margin-left: 1; }
    DigitsView #dg-panel { height: auto; }
    DigitsView .hidden { display: none; }
    """
    PLOT = {
        "held_out": {"en": "held-out accuracy", "zh": "留出集正确率"},
        "loss": {"en": "training loss", "zh": "训练损失"},
    }
    KEYS = (
        ("v", {"en": "next panel: drawing, confusions, filters, mistakes",
               "zh": "下一面板：画图、混淆矩阵、滤波器、读错的数字"}),
        ("d", {"en": "draw: show the grid and focus it", "zh": "画图：显示网格并聚焦"}),
        ("s", {"en": "put the next held-out digit on the grid",
               "zh": "把下一个留出数字放到网格上"}),
        ("m", {"en": "more misread digits", "zh": "更多读错的数字"}),
        ("tab", {"en": "focus the drawing grid", "zh": "聚焦画图网格"}),
        ("←↑↓→", {"en": "grid: move the cursor", "zh": "网格：移动光标"}),
        ("space", {"en": "grid: ink on / off", "zh": "网格：落墨 / 擦除"}),
        ("1-4 0", {"en": "grid: ink shade / erase", "zh": "网格：墨色深浅 / 擦除"}),
        ("p x", {"en": "grid: pen (moves paint) / clear", "zh": "网格：画笔（移动即画）/ 清空"}),
        ("escape", {"en": "grid: done drawing", "zh": "网格：画完"}),
    )
    BINDINGS = [
        Binding("v", "panel", "panel", show=False),
        Binding("d", "draw", "draw", show=False),
        Binding("s", "sample", "sample", show=False),
        Binding("m", "more", "more", show=False),
    ]
    can_focus = True

    def __init__(self, lang: str = "en", **kwargs):
        super().__init__(lang=lang, **kwargs)
        self.panel = 0  # index into PANELS, used when only one panel fits
        self.page = 0  # which misread digits
        self.edited = False  # False: the grid shows the lab's held-out digit
        self.sent_at = 0.0

    def compose(self) -> ComposeResult:
        with Horizontal(id="dg-top"):
            yield DrawGrid()
            yield LiveText(id="dg-side")
            yield LiveText(id="dg-right", classes="hidden")
        yield LiveText(id="dg-panel", classes="hidden")

    def wide(self) -> bool:
        return self.size.width >= WIDE[0] and self.size.height >= WIDE[1]

    def on_resize(self) -> None:
        self.redraw()

    # -- keys -----------------------------------------------------------------------------
    def action_panel(self) -> None:
        self.panel = (self.panel + 1) % len(PANELS)
        self.redraw()

    def action_draw(self) -> None:
        self.panel = 0
        self.redraw()
        self.call_after_refresh(self.query_one(DrawGrid).focus)

    def action_sample(self) -> None:
        self.edited = False  # take the lab's next digit onto the grid
        self.command("sample", None)

    def action_more(self) -> None:
        self.page += 1
        self.redraw()

    def on_draw_grid_changed(self, message: DrawGrid.Changed) -> None:
        self.edited = True
        self.send(message.pixels)
        self.redraw()

    def on_draw_grid_sample(self, _: DrawGrid.Sample) -> None:
        self.action_sample()

    def on_draw_grid_leave(self, _: DrawGrid.Leave) -> None:
        self.focus()  # the view's keys (v, s, m) work again; a second escape leaves

    def on_descendant_focus(self) -> None:
        self.redraw()

    def on_descendant_blur(self) -> None:
        self.redraw()

    def send(self, pixels: list[int]) -> None:
        self.sent_at = time.monotonic()
        self.command("draw", list(pixels))

    # -- drawing --------------------------------------------------------------------------
    def show(self, update) -> None:
        super().show(update)
        snap = update.snapshot
        grid = self.query_one(DrawGrid)
        if "drawing" in snap:
            if not self.edited:
                grid.set_pixels(snap["drawing"])
            elif (list(snap["drawing"]) != grid.pixels
                  and time.monotonic() - self.sent_at > RESEND_SECONDS):
                self.send(grid.pixels)  # e.g. after a reset the lab shows its own digit again
        self.redraw()

    def redraw(self) -> None:
        update = self.update_seen
        if update is None or not self.is_mounted:
            return
        snap, lang = update.snapshot, self.lang
        top = self.query_one("#dg-top")
        side, right, panel = (self.query_one(f"#dg-{n}", Static) for n in ("side", "right",
                                                                             "panel"))
        if "asset_error" in snap:
            top.set_class(True, "hidden")
            panel.set_class(False, "hidden")
            panel.update(Text(pick(S["asset"], lang).format(msg=snap["asset_error"]), "bold"))
            return
        grid = self.query_one(DrawGrid)
        wide = self.wide()
        width, height = max(20, self.size.width), self.size.height
        side.update(prediction_text(snap, grid.pixels, lang, grid.has_focus, grid.pen, wide))
        if wide:  # everything at once
            top.set_class(False, "hidden")
            right.set_class(False, "hidden")
            panel.set_class(False, "hidden")
            right.update(filters_text(snap, lang, wide=True))
            conf = confusion_text(snap, lang, wide=True, height=height)
            room = width - 2 - max(line.cell_len for line in conf.split("\n"))
            rows = max(1, (height - 8 - 1) // 9)
            panel.update(side_by_side([conf, mistakes_text(snap, lang, room, rows, self.page)]))
            return
        right.set_class(True, "hidden")
        name = PANELS[self.panel]
        top.set_class(name != "draw", "hidden")
        panel.set_class(name == "draw", "hidden")
        if name == "confusion":
            panel.update(confusion_text(snap, lang, wide=False, height=height))
        elif name == "filters":
            panel.update(filters_text(snap, lang, wide=False))
        elif name == "mistakes":
            rows = max(1, (height - 1) // 9)
            panel.update(mistakes_text(snap, lang, width, rows, self.page))
