"""Walking the museum with the keyboard alone, with recorded labs."""

from __future__ import annotations

import json
from dataclasses import replace

from textual import events
from textual.widgets import Footer, Markdown

from museum.screens.base import TooSmall
from museum.screens.exhibit import ExhibitScreen
from museum.screens.help import HelpScreen
from museum.screens.lobby import LobbyScreen
from museum.screens.room import RoomScreen
from museum.screens.source import SourceScreen
from tests.conftest import make_app


def footer_text(app) -> str:
    footer = app.screen.query_one(Footer)
    return " ".join(str(key.render()) for key in footer.query("FooterKey"))


async def test_walk_every_screen_with_keys():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, RoomScreen) and app.screen.room_slug == "foundations"
        await pilot.press("enter")
        assert isinstance(app.screen, ExhibitScreen)
        assert app.screen.exhibit.slug == "mcculloch_pitts"
        slugs = app.catalog.slugs
        for expected in slugs[1:]:  # → walks the whole collection, across rooms
            await pilot.press("right")
            assert app.screen.exhibit.slug == expected
        await pilot.press("right")  # the last exhibit: → stays
        assert app.screen.exhibit.slug == slugs[-1]
        for _ in slugs[2:]:
            await pilot.press("left")
        assert app.screen.exhibit.slug == "perceptron"
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ExhibitScreen)
        await pilot.press("c")
        assert isinstance(app.screen, SourceScreen)
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, RoomScreen)
        assert app.screen.current_exhibit == "perceptron", "the room remembers where we were"
        await pilot.press("escape")
        assert isinstance(app.screen, LobbyScreen)
        await pilot.press("escape")  # nothing behind the lobby
        assert isinstance(app.screen, LobbyScreen)


async def test_controls_reach_the_runner():
    app = make_app(start="perceptron")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        runner = app.runners["perceptron"]
        await pilot.press("space", "n", "r", "g", "g", "r", "plus", "plus", "plus", "minus")
        assert runner.sent == [
            ("run",), ("step",), ("reset", 0), ("reset", 1), ("reset", 2), ("reset", 2),
            ("speed", 20.0), ("speed", 50.0), ("speed", 100.0), ("speed", 50.0),
        ], "keys pressed faster than the lab answers must each count"


async def test_leaving_an_exhibit_closes_its_runner():
    app = make_app(start="perceptron")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        perceptron = app.runners["perceptron"]
        await pilot.press("right")
        assert perceptron.closed and set(app.runners) == {"xor"}
        xor = app.runners["xor"]
        await pilot.press("escape")
        assert xor.closed and not app.runners


async def test_exhibit_keys_of_the_view_send_commands():
    app = make_app(start="mcculloch_pitts")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1", "2")
        runner = app.runners["mcculloch_pitts"]
        assert runner.sent == [("command", "toggle", 0), ("command", "toggle", 1)]
        await pilot.press("escape")  # the view has focus but owns no text: escape goes back
        assert isinstance(app.screen, RoomScreen)


async def test_language_switch_changes_every_visible_string_and_keeps_the_lab():
    app = make_app(start="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        runner = app.runners["xor"]
        assert "Run/pause" in footer_text(app)
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "zh" and app.screen.lang == "zh"
        assert "运行/暂停" in footer_text(app) and "Run/pause" not in footer_text(app)
        assert app.runners["xor"] is runner and not runner.closed, "the lab keeps running"
        markdown = app.screen.query_one(Markdown)
        assert "明斯基" in markdown.source or "异或" in markdown.source
        await pilot.press("escape")
        assert isinstance(app.screen, RoomScreen) and app.screen.lang == "zh"
        await pilot.press("escape")
        assert isinstance(app.screen, LobbyScreen) and app.screen.lang == "zh"
        assert "帮助" in footer_text(app)
        await pilot.press("l")
        assert app.screen.lang == "en" and len(app.screen_stack) == 2


async def test_language_switch_inside_help_keeps_help_open():
    app = make_app(start="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark", "l")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and app.screen.lang == "zh"
        await pilot.press("escape")
        assert isinstance(app.screen, ExhibitScreen) and app.screen.lang == "zh"


async def test_footer_fits_six_keys_at_80_columns():
    for start in (None, "mcculloch_pitts", "perceptron"):
        for lang in ("en", "zh"):
            app = make_app(lang=lang, start=start)
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                keys = app.screen.query_one(Footer).query("FooterKey")
                assert 1 <= len(keys) <= 6, (start, lang, len(keys))


async def test_too_small_terminal_says_so_and_recovers():
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        notice = app.screen.query_one(TooSmall)
        assert notice.display and "60×20" in str(notice.render())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not app.screen.query_one(TooSmall).display


async def test_palette_finds_an_exhibit_by_chinese_title():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        for char in "感知机":
            await pilot.press(char)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExhibitScreen) and app.screen.exhibit.slug == "perceptron"


async def test_palette_finds_an_exhibit_by_year():
    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"1969")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExhibitScreen) and app.screen.exhibit.slug == "xor"


async def test_palette_speaks_the_visitors_language_and_writes_no_files(tmp_path, monkeypatch):
    from museum.i18n import t

    monkeypatch.chdir(tmp_path)
    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
    assert titles == [t("cmd_theme", "zh"), t("cmd_quit", "zh")]
    assert not any(tmp_path.iterdir())


async def test_quit_from_the_palette_ends_the_labs():
    from museum.i18n import t

    app = make_app(start="perceptron")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        runner = app.runners["perceptron"]
        await pilot.press("ctrl+p")
        await pilot.press(*t("cmd_quit", "en"))
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert not app.is_running and runner.closed


async def test_progress_is_saved_and_shown(state_dir):
    app = make_app(start="xor")  # the xor recording has its claim met
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        exhibits = app.screen.query_one("#exhibits")
        xor_line = exhibits.get_option("xor").prompt
        from rich.console import Console

        console = Console(width=80, record=True)
        console.print(xor_line)
        assert "✓ reproduced" in console.export_text()
    saved = json.loads((state_dir / "state.json").read_text())
    assert saved["visited"] == ["xor"] and saved["solved"] == ["xor"]


async def test_language_choice_is_remembered(state_dir):
    app = make_app(lang=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l")
    remembered = "zh" if app.lang == "zh" else "en"
    again = make_app(lang=None)
    async with again.run_test(size=(80, 24)):
        assert again.lang == remembered


async def test_a_corrupt_state_file_is_set_aside_and_the_museum_opens(state_dir):
    state_dir.mkdir(parents=True)
    (state_dir / "state.json").write_bytes(b"\xff\xfe not json at all")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        assert app.progress.problem
    kept = list(state_dir.glob("state.json.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"\xff\xfe")


async def test_other_unreadable_state_files(state_dir):
    cases = {
        "empty": b"",
        "foreign": b'{"something": "else"}',
        "list": b"[1, 2, 3]",
    }
    for name, content in cases.items():
        state_dir.mkdir(parents=True, exist_ok=True)
        (state_dir / "state.json").write_bytes(content)
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LobbyScreen), name
            assert app.progress.problem, name
        assert not (state_dir / "state.json").exists() or name == "never"
    assert len(list(state_dir.glob("state.json.unreadable-*"))) >= 1


def test_state_that_is_a_directory_is_set_aside(state_dir):
    from museum.state import Progress

    (state_dir / "state.json").mkdir(parents=True)
    progress = Progress.load(state_dir)
    assert progress.problem and progress.aside and progress.aside.is_dir()
    progress.visited.add("xor")
    assert progress.save() and Progress.load(state_dir).visited == {"xor"}


async def test_a_burst_of_arrows_lands_on_the_right_exhibit_without_building_each():
    app = make_app(start="mcculloch_pitts")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        built = []
        make = app._make_screen
        app._make_screen = lambda place: built.append(place) or make(place)
        # Keys already waiting when the first is read, as when a visitor holds → while a
        # screen is being built.
        for key in ["right", "right", "left", "right", "right", "left"]:
            app.post_message(events.Key(key, None))
        await pilot.pause(0.3)
        await pilot.wait_for_scheduled_animations()
        assert app.screen.exhibit.slug == "xor"  # mp → p → xor → p → xor → next → xor
        assert len(built) <= 2, built  # not one build per key
        assert built == [("exhibit", "xor")], "only where the burst ended is built"
        assert set(app.runners) == {"xor"}


async def test_down_and_enter_arriving_together_open_the_chosen_exhibit():
    """A fast typist's ↓⏎ comes in one read: enter must act after the list has moved."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        for key in ("down", "enter"):
            app.post_message(events.Key(key, "\r" if key == "enter" else None))
        await pilot.pause(0.3)
        assert isinstance(app.screen, ExhibitScreen) and app.screen.exhibit.slug == "perceptron"


def _control_line_and_lab(app, runner):
    """(what the control line shows, a way to make the recorded lab say something new)."""
    from museum.widgets.status import ControlLine

    def shown() -> str:
        return str(app.screen.query_one(ControlLine).content)

    def lab_says(**changes) -> None:
        runner._update = replace(runner._update, **changes)
        runner.on_update(runner._update)

    return shown, lab_says


async def test_run_state_and_speed_show_at_once_and_the_lab_has_the_last_word():
    from museum.i18n import t
    from museum.lab.api import PAUSED, RUNNING
    from museum.lab.loop import shift_speed
    from museum.screens.exhibit import ASKED_FOR
    from museum.widgets.status import speed_label

    app = make_app(start="perceptron")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        runner = app.runners["perceptron"]
        shown, lab_says = _control_line_and_lab(app, runner)

        assert runner.latest().state == PAUSED and t("state_paused", "en") in shown()
        await pilot.press("space")  # the lab has not answered yet
        assert t("state_running", "en") in shown()
        lab_says(step=runner.latest().step + 1)  # sent before it read the toggle: still paused
        await pilot.pause()
        assert t("state_running", "en") in shown()
        lab_says(state=RUNNING)
        await pilot.pause()
        assert t("state_running", "en") in shown()
        lab_says(state=PAUSED)  # the lab paused on its own: believed at once
        await pilot.pause()
        assert t("state_paused", "en") in shown()

        await pilot.press("space")
        assert t("state_running", "en") in shown()
        await pilot.pause(ASKED_FOR)
        for _ in range(50):  # no word from the lab: it is believed again (a timer redraws)
            if t("state_paused", "en") in shown():
                break
            await pilot.pause(0.1)
        assert t("state_paused", "en") in shown()

        before = runner.latest().speed
        await pilot.press("plus")  # the lab still reports the old speed
        assert speed_label(shift_speed(before, 1), "en") in shown()
        assert speed_label(before, "en") not in shown()


async def test_two_quick_spaces_send_run_and_pause_and_never_show_the_state_between():
    """Space used to send "toggle". Pressed twice before the lab answered, the second press
    forgot the first, and the lab's answer to the first (paused) was shown: the line flicked
    to "paused" and back, and a key pressed meanwhile changed nothing on screen.
    """
    from museum.i18n import t
    from museum.lab.api import PAUSED, RUNNING

    app = make_app(start="perceptron")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        runner = app.runners["perceptron"]
        shown, lab_says = _control_line_and_lab(app, runner)

        lab_says(state=RUNNING)
        await pilot.pause()
        runner.sent.clear()
        await pilot.press("space", "space")  # pause, then run again, before the lab answers
        assert runner.sent == [("pause",), ("run",)], "what the visitor saw, not a toggle"
        assert t("state_running", "en") in shown()
        lab_says(state=PAUSED, step=runner.latest().step + 1)  # it has read the first only
        await pilot.pause()
        assert t("state_running", "en") in shown(), "the state in between is not shown"
        lab_says(state=RUNNING)
        await pilot.pause()
        assert t("state_running", "en") in shown()
        await pilot.press("space")
        assert runner.sent[-1] == ("pause",) and t("state_paused", "en") in shown()
        await pilot.press("n")  # a step pauses the lab: what it then says is believed
        lab_says(state=PAUSED)
        await pilot.pause()
        assert t("state_paused", "en") in shown()


async def test_l_twice_brings_back_the_same_screen_and_moving_on_lets_both_go():
    app = make_app(start="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        runner = app.runners["xor"]
        english = app.screen
        await pilot.press("l")
        await pilot.pause()
        chinese = app.screen
        assert chinese is not english and chinese.lang == "zh"
        assert runner.on_update == chinese._on_runner_update
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is english, "kept, not built again"
        assert runner.on_update == english._on_runner_update, "the lab's updates follow"
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is chinese
        await pilot.press("right")
        for _ in range(50):  # kept screens are let go once the move has taken effect
            await pilot.pause(0.1)
            if not english.is_attached and not chinese.is_attached:
                break
        assert app.screen.exhibit.slug != "xor"
        assert all(place == app.spec[-1] for place, _ in app._kept)
        assert not english.is_attached and not chinese.is_attached, "both removed"
        assert not any(name.startswith("kept-") for name in app._installed_screens)


async def test_a_kept_screen_under_help_and_after_a_resize_is_still_right():
    app = make_app(start="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        english = app.screen
        await pilot.press("l", "l")  # the Chinese twin is kept now
        await pilot.pause()
        assert app.screen is english
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is english
        await pilot.press("l")  # its twin was let go while help was open: built afresh
        await pilot.pause()
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is english and english.query_one(TooSmall).display
        await pilot.resize_terminal(80, 24)
        await pilot.press("l")
        await pilot.pause()
        assert not app.screen.query_one(TooSmall).display


async def test_enter_twice_in_the_palette_keeps_the_lobby_and_the_room_below():
    from textual.command import CommandList

    from tests.test_fuzz import send

    app = make_app(start="bert")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.press(*"1969")
        for _ in range(50):  # until the palette has found it
            await pilot.pause(0.1)
            if app.screen.query(CommandList) and app.screen.query_one(CommandList).option_count:
                break
        await send(app, pilot, "enter", pause=False)  # both before the palette has gone
        await send(app, pilot, "enter")
        await pilot.pause(0.3)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == [
            "LobbyScreen", "RoomScreen", "ExhibitScreen"]
        assert app.screen.exhibit.slug == "xor"
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)


def _styles_of(screen) -> list[tuple]:
    return [
        (widget, widget.styles.background, widget.styles.color)
        for widget in screen.walk_children(with_self=True)
    ]


async def _english_again_with_chinese_kept(app, pilot):
    """``l`` twice: the Chinese twin is kept, the English screen shown again (and returned)."""
    await pilot.pause()
    english = app.screen
    await pilot.press("l", "l")
    await pilot.pause()
    assert app.screen is english
    return english


async def test_a_kept_screen_is_shown_without_restyling_unless_the_theme_changed(monkeypatch):
    app = make_app(start="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        english = await _english_again_with_chinese_kept(app, pilot)
        restyled = []
        update_nodes = app.stylesheet.update_nodes

        def counting(nodes, animate=False):
            nodes = list(nodes)
            restyled.append(len(nodes))
            return update_nodes(nodes, animate=animate)

        monkeypatch.setattr(app.stylesheet, "update_nodes", counting)
        await pilot.press("l")
        await pilot.pause()
        chinese = app.screen
        assert chinese is not english
        assert max(restyled, default=0) < 20, "no pass over the whole screen"

        other = next(name for name in app.available_themes if name != app.theme)
        app.theme = other  # restyles the screen shown; the kept English one is out of the stack
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is english
        shown = _styles_of(english)
        english.update_node_styles(animate=False)  # what a full pass would give
        assert shown == _styles_of(english), "the kept screen was restyled for the new theme"


def _record_paints_and_lab_draws(monkeypatch, app, screen) -> list[str]:
    """The order in which the app paints and ``screen``'s lab view and plot are drawn."""
    events_seen: list[str] = []
    display = app._display

    def painting(shown, renderable):
        if renderable is not None:
            events_seen.append("paint")
        return display(shown, renderable)

    monkeypatch.setattr(app, "_display", painting)
    for name, widget in (("view", screen.view), ("plot", screen.query_one("#plot"))):
        def drawing(*args, _show=widget.show, _name=name):
            events_seen.append(_name)
            return _show(*args)

        monkeypatch.setattr(widget, "show", drawing)
    return events_seen


async def test_a_kept_exhibit_shown_again_redraws_its_lab_only_if_it_moved_and_after_painting(
    monkeypatch,
):
    app = make_app(start="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        english = await _english_again_with_chinese_kept(app, pilot)
        seen = _record_paints_and_lab_draws(monkeypatch, app, english)

        await pilot.press("l", "l")  # the lab has not moved meanwhile
        await pilot.pause()
        assert app.screen is english
        assert "paint" in seen
        assert "view" not in seen and "plot" not in seen, "the same update was drawn again"

        await pilot.press("l")
        await pilot.pause()
        runner = app.runners["xor"]
        moved = replace(runner.latest(), step=runner.latest().step + 1)
        runner._update = moved
        runner.on_update(moved)  # reaches the Chinese screen shown now
        await pilot.pause()
        seen.clear()
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is english
        assert seen[:3] == ["paint", "view", "plot"], "painted first, then the lab drawn"
        assert english._drawn is moved


async def test_a_new_exhibit_screen_is_painted_before_its_lab_is_drawn(monkeypatch):
    from exhibits.foundations.xor.view import XorView

    app = make_app(start="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        seen: list[str] = []
        display, show = app._display, XorView.show

        def painting(shown, renderable):
            if renderable is not None:
                seen.append("paint")
            return display(shown, renderable)

        def drawing(view, update):
            seen.append("view")
            return show(view, update)

        monkeypatch.setattr(app, "_display", painting)
        monkeypatch.setattr(XorView, "show", drawing)
        await pilot.press("l")  # the Chinese screen is built
        await pilot.pause()
        assert app.screen.lang == "zh"
        assert "view" in seen and seen.index("paint") < seen.index("view")
        assert app.screen._drawn is app.runners["xor"].latest()


async def test_a_room_hidden_under_an_exhibit_is_rebuilt_only_when_it_is_seen_again():
    app = make_app(start="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        below = app.screen_stack[-2]
        assert isinstance(below, RoomScreen) and below.room_slug == "foundations"
        nxt = app.catalog.neighbour("xor", 1)
        assert nxt.room != "foundations", "xor is the last exhibit of its room"
        await pilot.press("right")
        await pilot.pause()
        assert app.screen.exhibit.slug == nxt.slug
        assert app.screen_stack[-2] is below, "the room below was not rebuilt"
        await pilot.press("l")  # a language switch in between, too
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        room = app.screen
        assert isinstance(room, RoomScreen) and room is not below
        assert room.room_slug == nxt.room and room.lang == "zh"
        assert room.chosen == nxt.slug, "the exhibit just left is highlighted"
        assert app.spec == [("lobby",), ("room", nxt.room)]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen) and app.screen.lang == "zh"


async def test_help_over_an_exhibit_in_the_next_room_then_back_to_its_room():
    app = make_app(start="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        nxt = app.catalog.neighbour("xor", 1)
        await pilot.press("right", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, RoomScreen) and app.screen.room_slug == nxt.room


async def test_a_list_is_built_once_as_its_screen_first_shows_and_again_when_shown_again(
    monkeypatch,
):
    from textual.widgets import OptionList

    built = []
    add_options = OptionList.add_options

    def counted(self, items):
        items = list(items)
        if items:  # not the empty list OptionList's constructor adds
            built.append(self.id)
        return add_options(self, items)

    monkeypatch.setattr(OptionList, "add_options", counted)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert built == ["rooms"], "mounted and then shown: built once"
        await pilot.press("enter")  # the first room
        await pilot.pause()
        assert built == ["rooms", "exhibits"]
        await pilot.press("enter")  # its first exhibit
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert built == ["rooms", "exhibits", "exhibits"], "shown again: now with a mark"
        line = app.screen.choices.get_option_at_index(0).prompt  # a grid: year | title, teaser
        assert "✓" in str(line.columns[1]._cells[0]), "the recording reproduces the claim"


async def test_a_lab_update_just_after_a_key_is_drawn_after_the_keys_own_frame(monkeypatch):
    app = make_app(start="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen, runner = app.screen, app.runners["xor"]
        seen = _record_paints_and_lab_draws(monkeypatch, app, screen)

        def the_lab_moves():
            moved = replace(runner.latest(), step=runner.latest().step + 1)
            runner._update = moved
            runner.on_update(moved)  # from the runner's thread, in the museum
            return moved

        # a key and a lab update close together: both before the next frame
        app.collector.key_pressed()
        screen.action_speed(1)  # the key's answer: the speed on the control line
        moved = the_lab_moves()
        await pilot.pause()
        assert seen[:3] == ["paint", "view", "plot"], "the key's frame first, then the lab's"
        assert screen._drawn is moved

        app.collector.last_key -= 1.0  # no key for a second: drawn as it comes
        seen.clear()
        moved = the_lab_moves()
        screen.on_lab_updated(None)
        assert seen == ["view", "plot"] and screen._drawn is moved
