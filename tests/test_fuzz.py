"""Random keys and resize storms over every screen: the museum never raises and can always be
walked back to the lobby.

Keys are drawn by hypothesis: the museum's own keys, every exhibit's letters, and any unicode
character (sent as a key event, so emoji and combining marks that ``Pilot.press`` drops still
arrive). ``q`` is left out because it quits, which is a test of its own. CI runs a fixed set of
examples (``derandomize``, about 2,600 keys in all, sent in bursts of up to four as a quick
visitor would); ``MUSEUM_FUZZ_EXAMPLES=500`` draws fresh random examples and explores further.
"""

from __future__ import annotations

import asyncio
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.keys import _character_to_key

from museum.catalog import load
from tests.conftest import make_app

SLUGS = load().slugs
NAMED_KEYS = [
    "left", "right", "up", "down", "enter", "escape", "tab", "shift+tab", "pageup", "pagedown",
    "home", "end", "backspace", "delete", "space", "n", "r", "g", "plus", "minus", "l",
    "question_mark", "c", "ctrl+p", "1", "2", "a", "b", "d", "e", "h", "j", "k", "m", "s", "t",
    "v", "w", "x", "z", "0", "9",
]
# Any character a visitor can type: not control characters (ctrl+q would quit), not surrogates.
CHARACTERS = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="qQ")
KEY = st.one_of(st.sampled_from(NAMED_KEYS), CHARACTERS)
EXPLORE = "MUSEUM_FUZZ_EXAMPLES" in os.environ  # fresh random examples rather than CI's fixed set
EXAMPLES = int(os.environ.get("MUSEUM_FUZZ_EXAMPLES", "40"))
BURST = 4


def key_event(key: str) -> events.Key:
    if len(key) == 1:  # a character, as a terminal would deliver it
        return events.Key(_character_to_key(key), key)
    return events.Key(key, " " if key == "space" else None)


async def send(app, pilot, key: str, pause: bool = True) -> None:
    """Deliver ``key`` as the terminal would; without ``pause``, do not wait for its effect."""
    event = key_event(key)
    event.set_sender(app)
    app._driver.send_message(event)
    if pause:
        await pilot.pause()


async def back_to_the_lobby(app, pilot, quits=()) -> None:
    """Escape leaves a text box, a palette, help, source, an exhibit and a room, in that order."""
    for _ in range(8):
        if type(app.screen).__name__ == "LobbyScreen" or quits:  # or quit chosen, acted on late
            return
        await pilot.press("escape")
        await pilot.pause()
    raise AssertionError(f"escape does not lead back to the lobby from {app.screen!r}")


SANE = {"LobbyScreen", "RoomScreen", "ExhibitScreen", "HelpScreen", "SourceScreen",
        "CommandPalette"}


async def walk(start: str | None, lang: str, keys: list[str]) -> None:
    app = make_app(lang=lang, start=start)
    quits = []  # the palette offers quit, and random keys do sometimes choose it
    leave = app.action_quit

    async def quit_and_note() -> None:
        quits.append(True)
        await leave()

    app.action_quit = quit_and_note
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for i, key in enumerate(keys, 1):
            # keys come in bursts of up to BURST, as from a visitor typing or holding an arrow
            await send(app, pilot, key, pause=i % BURST == 0 or i == len(keys))
            if quits:
                return  # the visitor asked to leave; run_test re-raises anything that broke
            assert app.is_running, f"the app stopped after {key!r}"
            assert type(app.screen).__name__ in SANE, app.screen
        await back_to_the_lobby(app, pilot, quits)
        app.exit()


@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=not EXPLORE,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    start=st.sampled_from([None, *SLUGS]),
    lang=st.sampled_from(["en", "zh"]),
    keys=st.lists(KEY, min_size=20, max_size=300),
)
def test_random_keys_never_break_the_museum(start, lang, keys):
    asyncio.run(walk(start, lang, keys))


@pytest.mark.parametrize("slug", SLUGS)
def test_every_exhibit_survives_every_key_and_odd_text(slug):
    """Each exhibit gets each named key, then tab into its controls and a burst of odd text."""
    odd = list("猫🐍é\u0301\u200b\u202e👍🏽ｑ") + ["x" * 1]
    keys = [k for k in NAMED_KEYS if k not in ("left", "right")]  # stay on this exhibit
    keys += ["tab", *odd, "enter", "tab", *odd, "enter", "escape"]
    asyncio.run(walk(slug, "en", keys))


SIZES = [(80, 24), (200, 60), (60, 20), (120, 40), (79, 24), (80, 23), (200, 60), (80, 24)]


async def storm(keys_to_reach: list[str], start: str | None) -> None:
    app = make_app(start=start)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*keys_to_reach)
        screen = app.screen
        for width, height in SIZES * 2:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert app.screen is screen
            small = width < 80 or height < 24
            notice = screen.query("TooSmall")
            assert notice and notice.first().display == small, (width, height)
        # back at full size: the screen's own content is laid out again
        assert all(w.region.width > 0 for w in screen.query("Footer"))
        app.exit()


@pytest.mark.parametrize(
    "start, keys",
    [(None, []), (None, ["enter"]), (None, ["question_mark"])]
    + [(slug, []) for slug in SLUGS] + [(SLUGS[0], ["c"])],
    ids=["lobby", "room", "help", *SLUGS, "source"],
)
def test_resize_storms_keep_every_screen_drawable(start, keys):
    asyncio.run(storm(keys, start))


@pytest.mark.parametrize("slug", ["bert", "gpt", "sentiment_neuron", "transformer"])
def test_leaving_just_after_escaping_a_text_box(slug):
    """Found by the fuzz walk: the view took focus back after its screen was already gone."""
    asyncio.run(walk(slug, "en", ["tab", "x", "escape", "right", "escape", "left"] * 2))
