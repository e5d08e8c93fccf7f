"""The lobby: the timeline of open rooms, with what the visitor has seen and reproduced."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from museum.catalog import ROOMS
from museum.i18n import pick, t
from museum.screens.base import Key, MuseumScreen


class LobbyScreen(MuseumScreen):
    KEYS = (
        Key("enter", "open", "b_open", key_display="⏎", priority=True),
        Key("left", "move(-1)", "b_prev", show=False),
        Key("right", "move(1)", "b_next", show=False),
    )

    def __init__(self, highlight: str | None = None):
        super().__init__()
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        yield from super().compose()
        catalog, lang = self.app.catalog, self.lang
        with Vertical(id="lobby"):
            yield Static(Text(t("museum", lang), "bold"), id="title")
            yield Static(t("tagline", lang), id="tagline")
            options = [Option(self._room_line(room), id=room.slug) for room in catalog.rooms]
            yield OptionList(*options, id="rooms")
            waiting = [pick(r.title, lang) for r in ROOMS if r not in catalog.rooms]
            if waiting:
                yield Static(t("rooms_to_come", lang, rooms=" · ".join(waiting)), id="to-come")
            yield Static(t("lobby_hint", lang), classes="hint")
        yield Footer(show_command_palette=False)

    def _room_line(self, room) -> Text:
        lang, state = self.lang, self.app.progress
        slugs = [e.slug for e in self.app.catalog.in_room(room.slug)]
        visited = sum(s in state.visited for s in slugs)
        solved = sum(s in state.solved for s in slugs)
        line = Text(no_wrap=False)
        line.append(f"{room.years}  ", "bold cyan")
        line.append(pick(room.title, lang), "bold")
        line.append(f"   {t('exhibits_count', lang, n=len(slugs))}", "dim")
        line.append(f" · {t('visited_count', lang, visited=visited, solved=solved)}", "dim")
        line.append("\n" + pick(room.intro, lang))
        return line

    def on_mount(self) -> None:
        super().on_mount()
        rooms = self.query_one(OptionList)
        if self.highlight:
            try:
                rooms.highlighted = rooms.get_option_index(self.highlight)
            except Exception:
                rooms.highlighted = 0
        elif rooms.option_count:
            rooms.highlighted = 0
        rooms.focus()

    def on_screen_resume(self) -> None:
        rooms = self.query_one(OptionList)
        current = self.current_room
        rooms.clear_options()
        rooms.add_options(Option(self._room_line(r), id=r.slug) for r in self.app.catalog.rooms)
        if current:
            rooms.highlighted = rooms.get_option_index(current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_room(event.option.id)

    def action_open(self) -> None:
        rooms = self.query_one(OptionList)
        if rooms.highlighted is not None:
            self.app.open_room(rooms.get_option_at_index(rooms.highlighted).id)

    def action_move(self, delta: int) -> None:
        rooms = self.query_one(OptionList)
        if rooms.option_count:
            current = rooms.highlighted or 0
            rooms.highlighted = max(0, min(rooms.option_count - 1, current + delta))

    @property
    def current_room(self) -> str | None:
        rooms = self.query_one(OptionList)
        if rooms.highlighted is None:
            return None
        return rooms.get_option_at_index(rooms.highlighted).id
