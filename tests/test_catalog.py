"""The catalog: every exhibit complete in both languages, sourced, and in order."""

import re

import pytest

from museum.catalog import ROOMS, Catalog, Exhibit, load

CATALOG = load()
EXHIBITS = CATALOG.exhibits


def test_rooms_are_ordered_by_start_year():
    starts = [room.start for room in CATALOG.rooms]
    assert starts == sorted(starts)
    assert [r.start for r in ROOMS] == sorted(r.start for r in ROOMS)


def test_foundations_is_open_with_its_three_exhibits_in_order():
    assert CATALOG.rooms[0].slug == "foundations"
    assert [e.slug for e in CATALOG.in_room("foundations")] == [
        "mcculloch_pitts", "perceptron", "xor",
    ]


def test_slugs_are_unique_and_match_their_folders():
    assert len(set(CATALOG.slugs)) == len(CATALOG.slugs)
    for exhibit in EXHIBITS:
        assert exhibit.folder.name == exhibit.slug
        assert exhibit.folder.parent.name == exhibit.room


def test_a_duplicate_slug_is_refused():
    e = EXHIBITS[0]
    with pytest.raises(ValueError):
        Catalog([e, e])


@pytest.mark.parametrize("exhibit", EXHIBITS, ids=lambda e: e.slug)
def test_every_text_exists_in_both_languages(exhibit: Exhibit):
    for text in (exhibit.title, exhibit.teaser, exhibit.claim):
        assert text.get("en", "").strip() and text.get("zh", "").strip()
        assert re.search(r"[\u4e00-\u9fff]", text["zh"]), "the zh text should be Chinese"


@pytest.mark.parametrize("exhibit", EXHIBITS, ids=lambda e: e.slug)
def test_years_fall_inside_their_room(exhibit: Exhibit):
    room = CATALOG.room(exhibit.room)
    assert room.start <= exhibit.year <= room.end


def test_exhibit_years_do_not_go_backwards_within_a_room():
    for room in CATALOG.rooms:
        years = [e.year for e in CATALOG.in_room(room.slug)]
        assert years == sorted(years), room.slug


@pytest.mark.parametrize("exhibit", EXHIBITS, ids=lambda e: e.slug)
@pytest.mark.parametrize("lang, heading", [("en", "## Sources"), ("zh", "## 参考文献")])
def test_narratives_have_sources_and_a_fitting_length(exhibit: Exhibit, lang, heading):
    text = exhibit.narrative(lang)
    assert text.startswith("# ")
    assert heading in text
    sources = text.split(heading, 1)[1]
    entries = [line for line in sources.splitlines() if line.strip().startswith(("-", "*", "1"))]
    assert entries, "a Sources list with at least one entry"
    assert all(re.search(r"1[89]\d\d|20[0-2]\d", e) for e in entries), "each source has a year"
    if lang == "en":
        words = len(text.split())
        assert 250 <= words <= 560, words  # 250–500 words of story, plus the Sources list
    else:
        han = len(re.findall(r"[\u4e00-\u9fff]", text))
        assert han >= 400, han


@pytest.mark.parametrize("exhibit", EXHIBITS, ids=lambda e: e.slug)
def test_lab_and_view_paths_point_into_the_exhibit_folder(exhibit: Exhibit):
    prefix = f"exhibits.{exhibit.room}.{exhibit.slug}."
    assert exhibit.lab.startswith(prefix + "lab:")
    assert exhibit.view.startswith(prefix + "view:")
    assert (exhibit.folder / "lab.py").exists() and (exhibit.folder / "view.py").exists()


def test_neighbours_walk_the_whole_collection():
    slugs = CATALOG.slugs
    assert CATALOG.neighbour(slugs[0], -1) is None
    assert CATALOG.neighbour(slugs[-1], 1) is None
    assert CATALOG.neighbour(slugs[0], 1).slug == slugs[1]
