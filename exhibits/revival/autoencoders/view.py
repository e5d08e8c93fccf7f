"""Three copies of one deep net: the race in held-out accuracy, and what the stack rebuilds."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from museum.i18n import pick
from museum.widgets import LabView
from museum.widgets.blocks import image_text
from museum.widgets.live import LiveText

S = {
    "pretrained": {"en": "A pretrained", "zh": "A 预训练"},
    "small": {"en": "B small init", "zh": "B 小初始化"},
    "scaled": {"en": "C scaled init", "zh": "C 缩放初始化"},
    "pretrain": {
        "en": "pretrain layer {k}/{n}: {s}/{t} steps, no labels",
        "zh": "预训练第 {k}/{n} 层：{s}/{t} 步，不用标签",
    },
    "finetune": {"en": "fine-tuning · {f:,} labelled steps each",
                 "zh": "微调 · 每份各用标签训练 {f:,} 步"},
    "done": {"en": "done · {f:,} labelled steps each", "zh": "结束 · 每份各用标签训练 {f:,} 步"},
    "wait": {
        "en": "B and C wait for labels while A pretrains",
        "zh": "A 预训练时，B 和 C 等待标签",
    },
    "fair": {
        "en": "A had {p:,} unlabelled steps before",
        "zh": "A 此前另有 {p:,} 步无标签预训练",
    },
    "head": {"en": "held out", "zh": "留出集"},
    "reached": {"en": "≥{h:.0%} at", "zh": "≥{h:.0%} 于"},
    "never": {"en": "not yet", "zh": "尚未"},
    "chance": {"en": "≈ chance", "zh": "≈ 随机"},
    "digit": {"en": "digit", "zh": "数字"},
    "says": {"en": "says", "zh": "判为"},
    "original": {"en": "held-out digit", "zh": "留出集数字"},
    "rebuilt": {"en": "rebuilt via {d} layer(s)", "zh": "经 {d} 层编码再重建"},
    "untrained": {"en": "no autoencoder yet", "zh": "尚无自编码器"},
    "frozen": {"en": "as pretraining left it", "zh": "预训练结束时"},
    "error": {"en": "pixel error", "zh": "像素误差"},
    "hint": {"en": "v: panel · d: other digits", "zh": "v 切换面板 · d 换数字"},
    "hint_digits": {"en": "d: other digits", "zh": "d 换数字"},
}
ARMS = ("pretrained", "small", "scaled")
MARK = {"pretrained": "A", "small": "B", "scaled": "C"}
PANELS = ("race", "rebuild")
PAIR = 16 + 1 + 16  # an 8×8 digit is 16 cells wide; original, bar, reconstruction


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def bar(value: float, width: int = 10) -> str:
    filled = int(round(max(0.0, min(1.0, value)) * width))
    return "█" * filled + "·" * (width - filled)


class AutoencodersView(LabView):
    PLOT = {
        "acc_pretrained": {"en": "A pretrained", "zh": "A 预训练"},
        "acc_small": {"en": "B small", "zh": "B 小初始化"},
        "acc_scaled": {"en": "C scaled", "zh": "C 缩放初始化"},
    }
    KEYS = (
        ("v", {"en": "next panel: accuracy race ⇄ reconstructions",
               "zh": "切换面板：准确率比赛 ⇄ 重建图像"}),
        ("d", {"en": "show other held-out digits", "zh": "换一批留出集数字"}),
    )
    BINDINGS = [
        Binding("v", "panel", "panel", show=False),
        Binding("d", "digits", "digits", show=False),
    ]
    can_focus = True
    DEFAULT_CSS = """
    AutoencodersView #ae-body { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, lang: str = "en", **kwargs):
        super().__init__(lang=lang, **kwargs)
        self.panel: int | None = None  # None: follow the phase until the visitor picks one

    def compose(self) -> ComposeResult:
        yield LiveText(id="ae-body")

    # -- keys -----------------------------------------------------------------------------
    def current_panel(self) -> str:
        if self.panel is not None:
            return PANELS[self.panel]
        snap = self.update_seen.snapshot if self.update_seen else {}
        # while A pretrains, its reconstructions are what moves; then the race
        return "rebuild" if snap.get("phase") == "pretrain" else "race"

    def action_panel(self) -> None:
        self.panel = (PANELS.index(self.current_panel()) + 1) % len(PANELS)
        self.redraw()

    def action_digits(self) -> None:
        snap = self.update_seen.snapshot if self.update_seen else None
        if snap and "sample" in snap:
            shown = max(1, len(snap["labels"]))
            self.command("sample", (snap["sample"] + shown) % snap["n_test"])

    # -- drawing --------------------------------------------------------------------------
    def show(self, update) -> None:
        super().show(update)
        self.redraw()

    def on_resize(self, _: events.Resize) -> None:
        self.redraw()

    def redraw(self) -> None:
        update = self.update_seen
        if update is None or not update.snapshot or not self.is_mounted:
            return
        snap, width, height = update.snapshot, self.size.width, self.size.height
        both = height >= 20  # room for the race and the reconstructions, one above the other
        panel = self.current_panel()
        text = self.phase_text(snap, note=both or panel == "race")
        if both or panel == "race":
            text.append_text(self.race_text(snap, width))
        if both:
            text.append("\n")
        if both or panel == "rebuild":
            text.append_text(self.rebuild_text(snap, width))
        if height > text.plain.count("\n") + 1:
            text.append("\n" + pick(S["hint" if not both else "hint_digits"], self.lang), "dim")
        self.query_one("#ae-body", Static).update(text)

    def phase_text(self, snap: dict, note: bool = True) -> Text:
        lang = self.lang
        text = Text(no_wrap=True, overflow="ellipsis")
        if snap["phase"] == "pretrain":
            done_here = snap["steps"] - (snap["layer"] - 1) * snap["pretrain_steps"]
            line = pick(S["pretrain"], lang).format(
                k=snap["layer"], n=snap["layers"], s=done_here, t=snap["pretrain_steps"])
            note_text = pick(S["wait"], lang)
        else:
            line = pick(S[snap["phase"]], lang).format(f=snap["ft_step"])
            note_text = pick(S["fair"], lang).format(p=snap["pretrain_total"])
        text.append(line + "\n", "bold")
        if note:
            text.append(note_text + "\n", "dim")
        return text

    def race_text(self, snap: dict, width: int) -> Text:
        lang = self.lang
        label_w = max(cell_len(pick(S[arm], lang)) for arm in ARMS) + 1
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(pad("", label_w) + pad(pick(S["head"], lang), 18), "dim")
        text.append(pick(S["reached"], lang).format(h=snap["high"]) + "\n", "dim")
        for arm in ARMS:
            acc = snap["acc"][arm]
            text.append(pad(pick(S[arm], lang), label_w), "bold")
            text.append(bar(acc) + f" {acc:6.1%} ")
            text.append("✓ " if acc >= snap["high"] else "  ", "green")
            first = snap["first_high"][arm]
            if first is not None:
                text.append(f"{first:,}")
            elif snap["phase"] != "pretrain" and acc <= snap["chance_max"]:
                text.append(pick(S["chance"], lang), "yellow")
            else:
                text.append(pick(S["never"], lang), "dim")
            text.append("\n")
        # what each arm says about the digits drawn in the other panel
        labels = snap["labels"]
        text.append(pad(pick(S["digit"], lang), label_w), "dim")
        text.append(" ".join(f"{d:<2}" for d in labels) + "\n")
        for i, arm in enumerate(ARMS):
            text.append(pad(f"{MARK[arm]} {pick(S['says'], lang)}", label_w), "dim")
            for p, d in zip(snap["predictions"][arm], labels, strict=True):
                text.append(f"{p}", "bold" if p == d else "")
                text.append("✓ " if p == d else "✗ ", "green" if p == d else "red")
            if i < len(ARMS) - 1:
                text.append("\n")
        return text

    def rebuild_text(self, snap: dict, width: int) -> Text:
        lang = self.lang
        depth = snap["recon_depth"]
        text = Text(no_wrap=True, overflow="crop")
        if depth:
            head = pick(S["rebuilt"], lang).format(d=depth)
            frozen = " · " + pick(S["frozen"], lang)
            if snap["phase"] != "pretrain" and cell_len(head + frozen) + 17 <= width:
                head += frozen
        else:
            head = pick(S["untrained"], lang)
        text.append(pad(pick(S["original"], lang), 17) + head + "\n", "dim")
        fit = max(1, (width + 2) // (PAIR + 2))
        shown = min(fit, len(snap["labels"]))
        side = self.side_lines(snap) if shown == 1 and width >= PAIR + 10 else []
        blocks = []
        for i in range(shown):
            orig = image_text(snap["digits"][i], 0.0, 1.0).split("\n")
            recon = image_text(snap["recon"][i], 0.0, 1.0).split("\n") if depth else None
            blocks.append((orig, recon))
        for row in range(8):
            for j, (orig, recon) in enumerate(blocks):
                if j:
                    text.append("  ")
                text.append_text(orig[row])
                text.append("│", "dim")
                text.append_text(recon[row]) if recon is not None else text.append(" " * 16)
            if row < len(side):
                text.append("  ")
                text.append_text(side[row])
            if row < 7:
                text.append("\n")
        return text

    def side_lines(self, snap: dict) -> list[Text]:
        """Beside a single pair: what each arm calls this digit, and the pixel error."""
        lang = self.lang
        digit = snap["labels"][0]
        lines = [Text(f"{pick(S['digit'], lang)} {digit}", "bold")]
        for arm in ARMS:
            p = snap["predictions"][arm][0]
            lines.append(Text.assemble(
                f"{MARK[arm]} {pick(S['says'], lang)} {p}",
                ("✓" if p == digit else "✗", "green" if p == digit else "red"),
            ))
        if snap["recon_depth"]:
            lines += [Text(""), Text(pick(S["error"], lang), "dim"),
                      Text(f"{snap['recon_error']:.4f}")]
        return lines
