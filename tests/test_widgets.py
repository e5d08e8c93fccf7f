"""The shared displays, read as plain characters: legible without colour."""

from rich.cells import cell_len

from museum.lab.api import Update
from museum.widgets.blocks import RAMP, image_text, shade
from museum.widgets.field import render_field
from museum.widgets.heatmap import heatmap_text
from museum.widgets.status import claim_text, control_text


def test_shade_ramp_orders_values_and_marks_nan():
    assert shade(0.0) == " " and shade(1.0) == "█"
    assert [shade(v) for v in (0, 0.25, 0.5, 0.75, 1)] == list(RAMP)
    assert shade(-5) == " " and shade(7) == "█" and shade(float("nan")) == "?"


def test_block_image_is_two_cells_per_pixel():
    lines = image_text([[0, 16], [8, 4]], vmin=0, vmax=16).plain.splitlines()
    assert lines == ["  ██", "▒▒░░"]


def test_heatmap_labels_rows_and_columns_and_reads_without_colour():
    text = heatmap_text([[0.0, 1.0], [0.5, 0.0]], rows=["the", "猫"], cols=["a", "b"]).plain
    lines = text.splitlines()
    assert lines[0].strip().startswith("a") and "b" in lines[0]
    assert lines[1].startswith("the") and "██" in lines[1]
    assert lines[2].startswith(" 猫 ") and "▒▒" in lines[2]
    assert len({cell_len(line) for line in lines[1:]}) == 1, "rows line up, CJK labels too"


def test_field_draws_points_regions_and_the_current_point():
    points = [(-0.5, 0.5), (0.5, -0.5)]
    text = render_field(10, 5, points, [1, -1], region=lambda x, y: x, current=1).plain
    rows = text.splitlines()
    assert len(rows) == 5 and all(len(r) == 10 for r in rows)
    assert "o" in text and "⊗" in text  # class +1, and the current (−1) point
    assert rows[0][-1] == "·" and rows[0][0] == " "  # x > 0 is the dotted side


def test_field_styles_each_cell_by_its_side_and_point_in_one_span_per_run():
    from museum.widgets.field import NEGATIVE_BG, NEGATIVE_PT, POSITIVE_BG, POSITIVE_PT

    points = [(-0.5, 0.5), (0.5, -0.5)]
    text = render_field(10, 5, points, [1, -1], region=lambda x, y: x)
    style_at = {}
    for span in text.spans:
        for offset in range(span.start, span.end):
            style_at[offset] = span.style
    for offset, char in enumerate(text.plain):
        if char == "\n":
            continue
        column = offset - text.plain.rfind("\n", 0, offset) - 1
        background = POSITIVE_BG if column >= 5 else NEGATIVE_BG  # x > 0 on the right half
        expected = {"o": background + POSITIVE_PT, "x": background + NEGATIVE_PT}.get(char,
                                                                                    background)
        assert style_at.get(offset) == expected, (offset, char)
    for before, after in zip(text.spans, text.spans[1:]):  # a run of one style is one span
        assert not (before.end == after.start and before.style == after.style)


def test_field_ignores_points_outside_its_bounds():
    text = render_field(6, 3, [(5.0, 5.0)], [1]).plain
    assert "o" not in text


def test_status_lines_in_both_languages():
    update = Update(step=1234, state="running", seed=3, speed=0.0, claim_met=True, claim_step=37)
    assert "step 1,234" in control_text(update, "en").plain
    assert "max" in control_text(update, "en").plain
    assert "全速" in control_text(update, "zh").plain
    assert "✓ reproduced at step 37" in claim_text("it works", update, "en").plain
    assert "第 37 步复现" in claim_text("成立", update, "zh").plain
    pending = claim_text("it works", Update(), "en").plain
    assert "not yet" in pending and "✓" not in pending
    failed = control_text(Update(state="failed", error="boom"), "en").plain
    assert "boom" in failed
    assert "press r" in control_text(Update(state="diverged", error="diverged"), "en").plain


def test_chart_draws_a_rising_line_from_bottom_left_to_top_right_with_its_range():
    from museum.widgets.plot import chart_text

    lines = chart_text([[(s, float(s)) for s in range(0, 101, 10)]], width=30, height=6).plain
    rows = lines.splitlines()
    assert len(rows) == 6 and all(cell_len(r) <= 30 for r in rows)
    assert rows[0].startswith("100┤") and rows[4].lstrip().startswith("0┤")
    assert rows[-1].split() == ["0", "100"]  # first and last step
    body = [r[4:] for r in rows[:5]]
    assert body[0].rstrip()[-1] != " " and body[0][0] == " "  # top row: only the right end
    assert body[4][0] != " " and body[4].rstrip() == body[4][:len(body[4].rstrip())]
    assert body[4].strip() and body[4].index(body[4].strip()[0]) == 0  # bottom row: left end


def test_chart_survives_empty_flat_and_single_point_curves():
    from museum.widgets.plot import chart_text

    for curves in ([], [[]], [[(5, 2.0)]], [[(0, 1.0), (9, 1.0)]], [[(0, -1e9), (1, 1e9)]]):
        rows = chart_text(curves, width=20, height=4).plain.splitlines()
        assert len(rows) == 4 and all(cell_len(r) <= 20 for r in rows)


def test_chart_colours_each_dot_by_its_curve_in_one_span_per_run():
    from museum.widgets.plot import COLORS, chart_text

    rising = [(s, float(s)) for s in range(0, 101, 5)]
    falling = [(s, 100.0 - s) for s in range(0, 101, 5)]
    text = chart_text([rising, falling], width=40, height=9)
    style_at = {}
    for span in text.spans:
        for offset in range(span.start, span.end):
            style_at[offset] = str(span.style)
    for offset, char in enumerate(text.plain):
        if 0x2800 < ord(char) <= 0x28FF:  # a dot: coloured as one of the curves
            assert style_at.get(offset) in COLORS[:2], (offset, char)
        elif char == " " and style_at.get(offset) in COLORS:
            raise AssertionError(f"a blank cell at {offset} is coloured")
    rising_rows = {text.plain.count("\n", 0, o) for o, s in style_at.items() if s == COLORS[0]}
    falling_rows = {text.plain.count("\n", 0, o) for o, s in style_at.items() if s == COLORS[1]}
    assert min(rising_rows) == 0 and max(rising_rows) == 7  # the rising line spans every row
    assert min(falling_rows) == 0 and max(falling_rows) == 7
    coloured = [span for span in text.spans if str(span.style) in COLORS]
    for before, after in zip(coloured, coloured[1:]):  # runs of one colour are one span
        assert not (before.end == after.start and before.style == after.style)


def test_chinese_lines_break_between_han_characters_and_keep_latin_words_whole():
    from rich.console import Console
    from rich.text import Text as RichText

    from museum.widgets.cjk import install

    install()
    story = "1986 年，保罗·斯莫伦斯基（Paul Smolensky）提出了“簧风琴”。"
    lines = RichText(story).wrap(Console(), 14)
    plain = [line.plain.rstrip() for line in lines]
    assert plain[0].startswith("1986 年，保"), plain  # no early break after the year
    assert any("Smolensky" in line for line in plain), plain  # the name is never cut
    assert not any(line.startswith(("，", "。", "）", "”")) for line in plain), plain
    assert all(cell_len(line) <= 14 for line in plain), plain
    english = RichText("the cat sat on the mat").wrap(Console(), 10)
    assert [line.plain.rstrip() for line in english] == ["the cat", "sat on the", "mat"]


async def test_key_footer_rebuilds_only_when_its_keys_change():
    from textual.app import App
    from textual.binding import Binding
    from textual.widgets import Button
    from textual.widgets._footer import FooterKey

    from museum.widgets.footer import KeyFooter

    class WithKey(Button):
        BINDINGS = [Binding("x", "press", "Ex")]

    class Keys(App):
        BINDINGS = [Binding("a", "bell", "Aye")]

        def compose(self):
            yield Button("one", id="one")
            yield Button("two", id="two")
            yield WithKey("three", id="three")
            yield KeyFooter()

    app = Keys()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        rebuilds = []
        real = footer.recompose

        async def counted():
            rebuilds.append(1)
            await real()

        footer.recompose = counted

        def shown() -> list[str]:
            return [key.description for key in footer.query(FooterKey)]

        app.query_one("#one").focus()
        await pilot.pause()
        app.query_one("#two").focus()  # the same keys: nothing to rebuild
        await pilot.pause()
        assert rebuilds == [] and "Ex" not in shown()
        app.query_one("#three").focus()  # its own key appears
        await pilot.pause()
        assert len(rebuilds) == 1 and "Ex" in shown() and "Aye" in shown()


async def test_key_footer_styles_each_key_once_as_it_mounts(monkeypatch):
    from textual.app import App
    from textual.binding import Binding
    from textual.widgets._footer import FooterKey

    from museum.widgets.footer import KeyFooter

    restyled: list[str] = []
    real = FooterKey.update_node_styles

    def counted(self, animate=True):
        restyled.append(self.description)
        return real(self, animate=animate)

    monkeypatch.setattr(FooterKey, "update_node_styles", counted)

    class Keys(App):
        BINDINGS = [Binding("a", "bell", "Aye"), Binding("b", "quit", "Bee")]

        def compose(self):
            yield KeyFooter()

    async with Keys().run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        shown = [key.description for key in pilot.app.query(FooterKey)]
        assert "Aye" in shown and "Bee" in shown
        assert restyled == [], "no -compact added and taken away again"
        assert not any(key.has_class("-compact") for key in pilot.app.query(FooterKey))


async def test_live_text_lays_the_screen_out_only_when_its_height_changes():
    from textual.app import App
    from textual.widgets import Static

    from museum.widgets.live import LiveText

    class Host(App):
        def compose(self):
            yield LiveText("a\nb")
            yield Static("below", id="below")

    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        live, below = app.query_one(LiveText), app.query_one("#below")
        live.update("a\nb")  # measured once: laid out
        await pilot.pause()
        layouts = []
        refresh = live.refresh

        def counted(*regions, **kwargs):
            layouts.append(kwargs.get("layout", False))
            return refresh(*regions, **kwargs)

        live.refresh = counted
        live.update("c\nd")
        await pilot.pause()
        assert True not in layouts, "two lines again: a repaint"
        assert below.region.y == 2 and "c" in str(live.render())
        live.update("c\nd\ne")
        await pilot.pause()
        assert True in layouts and below.region.y == 3
        layouts.clear()
        live.update("x" * 60)  # wraps at 40 columns: two lines
        await pilot.pause()
        assert True in layouts and below.region.y == 2
        layouts.clear()
        live.update("y" * 70)  # two lines still
        await pilot.pause()
        assert True not in layouts and below.region.y == 2
        live.update("z", layout=True)  # as asked, as Static does
        await pilot.pause()
        assert True in layouts and below.region.y == 1
