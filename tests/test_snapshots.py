"""Every screen at 80×24, in English and Chinese, drawn from recorded labs.

Review every changed SVG before accepting it:  pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from museum.catalog import load
from tests.conftest import make_app

LANGS = ["en", "zh"]
EXHIBITS = load().slugs


async def settle(pilot):
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.1)


@pytest.mark.parametrize("lang", LANGS)
def test_lobby(snap_compare, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=(80, 24), run_before=settle)


@pytest.mark.parametrize("lang", LANGS)
def test_room(snap_compare, lang):
    async def open_room(pilot):
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(lang=lang), terminal_size=(80, 24), run_before=open_room)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", EXHIBITS)
def test_exhibit(snap_compare, slug, lang):
    assert snap_compare(
        make_app(lang=lang, start=slug), terminal_size=(80, 24), run_before=settle
    )


@pytest.mark.parametrize("lang", LANGS)
def test_help(snap_compare, lang):
    async def open_help(pilot):
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(
        make_app(lang=lang, start="mcculloch_pitts"), terminal_size=(80, 24), run_before=open_help
    )


def test_exhibit_at_120x40(snap_compare):
    assert snap_compare(make_app(start="perceptron"), terminal_size=(120, 40), run_before=settle)


def test_too_small(snap_compare):
    assert snap_compare(make_app(), terminal_size=(60, 20), run_before=settle)


@pytest.mark.parametrize("slug", ["transformer", "bert", "sentiment_neuron", "lecun_digits"])
def test_exhibits_use_the_room_at_120x40(snap_compare, slug):
    assert snap_compare(make_app(start=slug), terminal_size=(120, 40), run_before=settle)
