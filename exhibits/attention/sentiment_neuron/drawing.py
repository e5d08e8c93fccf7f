"""Text drawing for the sentiment-neuron view: the unit heatmap, words with their bars, wrapping.

Plain Rich text, no Textual and no torch. Shapes carry the meaning (shade ramp, bar heights,
+ and − signs); colour only helps.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

SHADES = "·░▒▓█"  # held-out accuracy <.6, .6, .7, .8, ≥.9
BARS = "▁▂▃▄▅▆▇█"


def accuracy_shade(acc: float) -> str:
    if acc != acc:
        return "?"
    return SHADES[max(0, min(4, int((acc - 0.5) * 10 + 1e-9)))]


def heatmap(acc: list[float], unit: int | None, width: int, rows: int) -> Text:
    """Each unit's held-out accuracy as a grid of shades; the probe's unit is ◆."""
    n = len(acc)
    per_row = -(-n // rows)
    label_w = len(str(n))
    cell = max(1, min(3, (width - label_w - 1) // per_row))
    text = Text(no_wrap=True, overflow="crop")
    for r in range(rows):
        text.append(f"{r * per_row:>{label_w}} ", "dim")
        for u in range(r * per_row, min(n, (r + 1) * per_row)):
            a = acc[u]
            if u == unit:
                text.append(("◆" * cell), "bold magenta")
            else:
                level = int(40 + 200 * max(0.0, min(1.0, (a - 0.5) * 2)))
                text.append(accuracy_shade(a) * cell, f"rgb({level},{level},{level})")
        if r < rows - 1:
            text.append("\n")
    return text


def positiveness(values: list[float], probe: dict) -> list[float]:
    """Unit values -> -1..1: how far each sits on the positive side of the probe's threshold."""
    sided = [probe["sign"] * (v - probe["threshold"]) for v in values]
    scale = max([1.0, *(abs(s) for s in sided)])
    return [max(-1.0, min(1.0, s / scale)) for s in sided]


def bar(q: float) -> str:
    return BARS[max(0, min(7, int((q + 1) / 2 * 8)))]


def word_cells(tokens, known, values, probe) -> list[tuple[str, str, str]]:
    """(word as shown, bar char, sign) per word; unknown words as ‹word›?"""
    qs = positiveness(values, probe) if values else [0.0] * len(tokens)
    out = []
    for word, ok, q in zip(tokens, known, qs):
        shown = word if ok else f"‹{word[:24]}›?"
        out.append((shown, bar(q), "+" if q > 0 else "−" if q < 0 else "0"))
    return out


def style_for(sign: str) -> str:
    return "green" if sign == "+" else "red" if sign == "−" else ""


def words_beside(cells, width: int, max_rows: int) -> Text:
    """Compact: each word followed by its bar and sign, wrapped to width."""
    lines: list[Text] = [Text()]
    for shown, b, sign in cells:
        piece = cell_len(shown) + 3
        if cell_len(lines[-1].plain) + piece > width and lines[-1].plain:
            if len(lines) == max_rows:
                lines[-1].append("…", "dim")
                break
            lines.append(Text())
        lines[-1].append(shown)
        lines[-1].append(b + sign, style_for(sign))
        lines[-1].append(" ")
    return rows_text(lines)


def words_under(cells, width: int, max_rows: int) -> tuple[Text, bool]:
    """Roomy: words on one row, each word's sign and bar under it. Two rows per line.
    Returns the text and whether every word fitted."""
    pairs: list[tuple[Text, Text]] = [(Text(), Text())]
    complete = True
    for shown, b, sign in cells:
        w = max(2, cell_len(shown))
        if cell_len(pairs[-1][0].plain) + w + 1 > width and pairs[-1][0].plain:
            if 2 * (len(pairs) + 1) > max_rows:
                pairs[-1][0].append("…", "dim")
                complete = False
                break
            pairs.append((Text(), Text()))
        top, under = pairs[-1]
        top.append(shown + " " * (w - cell_len(shown)) + " ")
        under.append(sign + b * (w - 1), style_for(sign))
        under.append(" ")
    return rows_text([line for pair in pairs for line in pair]), complete


def rows_text(parts: list[Text]) -> Text:
    """Lines joined into one Text that never wraps (each line is already cut to width)."""
    text = Text("\n").join(parts)
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


def wrap_cells(text: str, width: int) -> list[str]:
    """Chinese: break anywhere, by cells."""
    lines, line = [], ""
    for ch in text:
        if cell_len(line + ch) > width:
            lines.append(line)
            line = ch.lstrip()
        else:
            line += ch
    return [*lines, line] if line else lines


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; a word wider than the line is cut by cells."""
    width = max(4, width)
    pieces = []
    for word in text.split():
        while cell_len(word) > width:
            cut = width
            while cell_len(word[:cut]) > width:
                cut -= 1
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
    lines, line = [], ""
    for word in pieces:
        if line and cell_len(line) + 1 + cell_len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines
