"""The lobby: the timeline of open rooms, with what the visitor has seen and reproduced."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from museum.catalog import ROOMS
from museum.i18n import pick, t
from museum.screens.base import Key
from museum.screens.choice import ChoiceScreen
from museum.widgets.footer import KeyFooter


class LobbyScreen(ChoiceScreen):
    KEYS = (
        Key("enter", "open", "b_open", key_display="⏎"),
        Key("left", "move(-1)", "b_prev", show=False),
        Key("right", "move(1)", "b_next", show=False),
    )

    def compose(self) -> ComposeResult:
        yield from super().compose()
        catalog, lang = self.app.catalog, self.lang
        with Vertical(id="lobby"):
            yield Static(Text(t("museum", lang), "bold"), id="title")
            yield Static(t("tagline", lang), id="tagline")
            yield OptionList(id="rooms")
            waiting = [pick(r.title, lang) for r in ROOMS if r not in catalog.rooms]
            if waiting:
                yield Static(t("rooms_to_come", lang, rooms=" · ".join(waiting)), id="to-come")
            yield Static(t("lobby_hint", lang), classes="hint")
        yield KeyFooter(show_command_palette=False)

    def options(self) -> list[Option]:
        return [Option(self._room_line(room), id=room.slug) for room in self.app.catalog.rooms]

    def _room_line(self, room) -> Text:
        lang, state = self.lang, self.app.progress
        slugs = [e.slug for e in self.app.catalog.in_room(room.slug)]
        visited = sum(s in state.visited for s in slugs)
        solved = sum(s in state.solved for s in slugs)
        line = Text(no_wrap=False)
        line.append(f"{room.years}  ", "bold cyan")
        line.append(pick(room.title, lang), "bold")
        count = "exhibits_count_one" if len(slugs) == 1 else "exhibits_count"
        line.append(f"   {t(count, lang, n=len(slugs))}", "dim")
        line.append(f" · {t('visited_count', lang, visited=visited, solved=solved)}", "dim")
        line.append("\n" + pick(room.intro, lang))
        return line

    def open(self, option_id: str) -> None:
        self.app.open_room(option_id)

    def action_move(self, delta: int) -> None:
        choices = self.choices
        if choices.option_count:
            current = choices.highlighted or 0
            choices.highlighted = max(0, min(choices.option_count - 1, current + delta))
