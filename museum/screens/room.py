"""A room: its era, its exhibits in order, and which ones the visitor has reproduced."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from museum.i18n import pick, t
from museum.screens.base import Key
from museum.screens.choice import ChoiceScreen
from museum.widgets.footer import KeyFooter


class RoomScreen(ChoiceScreen):
    KEYS = (
        Key("enter", "open", "b_open", key_display="⏎"),
        Key("escape", "app.back", "b_back"),
        Key("left", "app.next_room(-1)", "b_prev", show=False),
        Key("right", "app.next_room(1)", "b_next", show=False),
        Key("c", "source", "b_source"),
    )

    def __init__(self, room_slug: str, highlight: str | None = None):
        super().__init__(highlight)
        self.room_slug = room_slug

    def compose(self) -> ComposeResult:
        yield from super().compose()
        room, lang = self.app.catalog.room(self.room_slug), self.lang
        with Vertical(id="room"):
            yield Static(
                Text.assemble((pick(room.title, lang), "bold"), ("  " + room.years, "cyan")),
                id="title",
            )
            yield Static(pick(room.intro, lang), id="intro")
            yield OptionList(id="exhibits")
            yield Static(t("room_hint", lang), classes="hint")
        yield KeyFooter(show_command_palette=False)

    def options(self) -> list[Option]:
        return [
            Option(self._exhibit_line(e), id=e.slug)
            for e in self.app.catalog.in_room(self.room_slug)
        ]

    def _exhibit_line(self, exhibit) -> Table:
        lang, progress = self.lang, self.app.progress
        title = Text(pick(exhibit.title, lang), "bold")
        if exhibit.slug in progress.solved:
            title.append("  " + t("mark_solved", lang), "green")
        elif exhibit.slug in progress.visited:
            title.append("  " + t("mark_visited", lang), "dim")
        line = Table.grid(padding=(0, 2))
        line.add_column(style="bold cyan", no_wrap=True)
        line.add_column()
        line.add_row(str(exhibit.year), title)
        line.add_row("", pick(exhibit.teaser, lang))
        return line

    def resume_highlight(self) -> str | None:
        """Back from an exhibit: → may have walked us on to another one."""
        return self.app.last_exhibit or self.chosen

    @property
    def current_exhibit(self) -> str | None:
        return self.chosen

    def open(self, option_id: str) -> None:
        self.app.open_exhibit(option_id)

    def action_source(self) -> None:
        if self.chosen:
            self.app.show_source(self.chosen)
