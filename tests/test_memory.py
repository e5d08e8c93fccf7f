"""The UI lets go of what it no longer shows, and collects garbage between keys, not during them."""

from __future__ import annotations

import gc

import pytest
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.widget import Widget

from museum import collector
from museum.widgets import styles_cache


async def _caches_and_widgets_after_walking(app) -> tuple[int, int]:
    """Live StylesCache objects (a widget's rendered lines) and live widgets, after 12 moves."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in ["l", "l", "right", "left"] * 3:  # each move builds a new screen
            await pilot.press(key)
            await pilot.pause()
        gc.unfreeze()  # the app's collector may have frozen them, and get_objects skips those
        gc.collect()
        alive = gc.get_objects()
        # type(), not isinstance(): the latter asks some lazy objects (torch's) for __class__
        caches = sum(issubclass(type(o), StylesCache) for o in alive)
        widgets = sum(issubclass(type(o), Widget) for o in alive)
        del alive
        return caches, widgets


async def test_screens_left_behind_do_not_keep_their_rendered_lines(app_factory):
    caches, widgets = await _caches_and_widgets_after_walking(app_factory(start="xor"))
    assert widgets > 20, "the widgets shown are counted"
    assert caches <= widgets  # one per widget still shown (and none of the screens left)


async def test_without_the_work_around_this_textual_keeps_them(app_factory, monkeypatch):
    if not styles_cache.needed():
        pytest.skip("this Textual no longer caches get_inner_outer with its instance")
    app = app_factory(start="xor")  # installs the work-around; undo it for this app
    monkeypatch.setattr(StylesCache, "get_inner_outer", styles_cache._original)
    caches, widgets = await _caches_and_widgets_after_walking(app)
    assert caches > 2 * widgets


async def test_a_screen_left_lets_go_of_every_widgets_rendered_lines(app_factory):
    app = app_factory(start="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)  # the narrative is mounted after the first paint
        left = app.screen
        widgets = list(left.walk_children(with_self=True))
        assert sum(bool(w._styles_cache._cache) for w in widgets) > 10, "lines were drawn"
        await pilot.press("right")
        for _ in range(50):
            await pilot.pause(0.05)
            if not left.is_attached:
                break
        assert not left.is_attached
        kept = [type(w).__name__ for w in widgets if w._styles_cache._cache]
        assert kept == [], "freed with the screen, not left for the garbage collector"


def test_the_work_around_gives_textuals_own_answer():
    if not styles_cache.needed():
        pytest.skip("nothing is replaced on this Textual")
    base, background = Color(10, 20, 30), Color(200, 100, 0, 0.5)
    assert styles_cache._get_inner_outer(object(), base, background) == (
        styles_cache._original.__wrapped__(None, base, background)
    )


class FakeGC:
    def __init__(self):
        self.count = [0, 0, 0]
        self.threshold = (700, 10, 10)
        self.calls: list[str] = []

    def get_threshold(self):
        return self.threshold

    def set_threshold(self, *values):
        self.threshold = values

    def get_count(self):
        return tuple(self.count)

    def collect(self):
        self.calls.append("collect")
        self.count = [0, 0, 0]

    def freeze(self):
        self.calls.append("freeze")

    def unfreeze(self):
        self.calls.append("unfreeze")


class FakeApp:
    def __init__(self):
        self.intervals = []

    def set_interval(self, seconds, callback, name=None):
        self.intervals.append((seconds, callback))


@pytest.fixture
def quiet(monkeypatch):
    fake_gc, clock = FakeGC(), [100.0]
    monkeypatch.setattr(collector, "gc", fake_gc)
    quiet = collector.QuietCollector(clock=lambda: clock[0])
    quiet.start(FakeApp())
    return quiet, fake_gc, clock


def test_python_no_longer_starts_full_collections_while_the_museum_runs(quiet):
    quiet, fake_gc, _ = quiet
    assert fake_gc.threshold == (700, 10, collector.NEVER)
    quiet.stop()
    assert fake_gc.threshold == (700, 10, 10)


def test_once_quiet_after_start_what_is_alive_then_is_collected_and_frozen(quiet):
    quiet, fake_gc, clock = quiet
    clock[0] += 0.5
    quiet.check()  # too early
    assert fake_gc.calls == []
    clock[0] += 1.0
    quiet.check()
    assert fake_gc.calls == ["collect", "freeze"]
    quiet.stop()
    assert fake_gc.calls[-1] == "unfreeze"


def test_a_due_full_collection_waits_for_a_pause_in_the_keys(quiet):
    quiet, fake_gc, clock = quiet
    clock[0] += 2
    quiet.check()  # the first quiet moment: collect and freeze
    fake_gc.calls.clear()
    fake_gc.count[2] = 10  # due, by Python's own measure
    for _ in range(5):  # a key every 0.2 s
        clock[0] += 0.2
        quiet.key_pressed()
        quiet.check()
    assert fake_gc.calls == []
    clock[0] += collector.IDLE
    quiet.check()
    assert fake_gc.calls == ["collect"]
    quiet.check()  # nothing is due any more
    assert fake_gc.calls == ["collect"]


def test_keys_without_a_pause_cannot_put_a_collection_off_for_ever(quiet):
    quiet, fake_gc, clock = quiet
    fake_gc.count[2] = 10 * collector.OVERDUE - 1
    quiet.key_pressed()
    quiet.check()
    assert fake_gc.calls == []
    fake_gc.count[2] += 1
    quiet.check()
    assert fake_gc.calls == ["collect"]


def test_a_screen_left_is_collected_once_the_next_is_painted_or_at_the_next_pause(quiet):
    quiet, fake_gc, clock = quiet
    clock[0] += 2.0
    quiet.check()  # the first quiet moment: collect and freeze
    fake_gc.calls.clear()
    quiet.key_pressed()
    quiet.after_paint()
    assert fake_gc.calls == [], "no screen has gone"
    quiet.screen_left()
    quiet.after_paint()
    assert fake_gc.calls == ["collect"], "with no wait for a pause in the keys"
    quiet.after_paint()
    assert fake_gc.calls == ["collect"], "once"
    quiet.screen_left()  # a screen that went after the next one was painted
    quiet.check()
    assert fake_gc.calls == ["collect"], "keys are still coming"
    clock[0] += 1.0
    quiet.check()
    assert fake_gc.calls == ["collect", "collect"], "the next pause, though nothing is due"


async def test_leaving_a_screen_tells_the_collector(app_factory):
    app = app_factory(start="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        left = []
        app.collector.screen_left = lambda: left.append(1)
        await pilot.press("right")  # the exhibit goes (the room below stays until uncovered)
        for _ in range(50):
            await pilot.pause(0.05)
            if left:
                break
        assert left == [1]
        await pilot.press("escape")  # now the room below is seen: the old one goes too
        for _ in range(50):
            await pilot.pause(0.05)
            if len(left) == 3:
                break
        assert left == [1, 1, 1]


async def test_the_app_collects_between_keys_and_leaves_pythons_settings_as_it_found_them(
    app_factory,
):
    before = gc.get_threshold()
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        assert gc.get_threshold()[2] == collector.NEVER
        seen = app.collector.last_key
        await pilot.press("down")
        assert app.collector.last_key > seen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
