"""A room: its era, its exhibits in order, and which ones the visitor has reproduced."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from museum.i18n import pick, t
from museum.screens.base import Key, MuseumScreen


class RoomScreen(MuseumScreen):
    KEYS = (
        Key("enter", "open", "b_open", key_display="⏎", priority=True),
        Key("escape", "app.back", "b_back"),
        Key("left", "app.next_room(-1)", "b_prev", show=False),
        Key("right", "app.next_room(1)", "b_next", show=False),
        Key("c", "source", "b_source"),
    )

    def __init__(self, room_slug: str, highlight: str | None = None):
        super().__init__()
        self.room_slug = room_slug
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        yield from super().compose()
        app, lang = self.app, self.lang
        room = app.catalog.room(self.room_slug)
        with Vertical(id="room"):
            yield Static(
                Text.assemble((pick(room.title, lang), "bold"), ("  " + room.years, "cyan")),
                id="title",
            )
            yield Static(pick(room.intro, lang), id="intro")
            options = [
                Option(self._exhibit_line(e), id=e.slug) for e in app.catalog.in_room(room.slug)
            ]
            yield OptionList(*options, id="exhibits")
            yield Static(t("room_hint", lang), classes="hint")
        yield Footer(show_command_palette=False)

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

    def on_mount(self) -> None:
        super().on_mount()
        exhibits = self.query_one(OptionList)
        index = 0
        if self.highlight:
            try:
                index = exhibits.get_option_index(self.highlight)
            except Exception:
                index = 0
        if exhibits.option_count:
            exhibits.highlighted = index
        exhibits.focus()

    def on_screen_resume(self) -> None:
        """Back from an exhibit: marks may have changed, and → may have moved us on."""
        exhibits = self.query_one(OptionList)
        current = self.app.last_exhibit or self.current_exhibit
        exhibits.clear_options()
        exhibits.add_options(
            Option(self._exhibit_line(e), id=e.slug) for e in self.app.catalog.in_room(self.room_slug)
        )
        try:
            exhibits.highlighted = exhibits.get_option_index(current) if current else 0
        except Exception:
            exhibits.highlighted = 0

    @property
    def current_exhibit(self) -> str | None:
        exhibits = self.query_one(OptionList)
        if exhibits.highlighted is None:
            return None
        return exhibits.get_option_at_index(exhibits.highlighted).id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_exhibit(event.option.id)

    def action_open(self) -> None:
        if self.current_exhibit:
            self.app.open_exhibit(self.current_exhibit)

    def action_source(self) -> None:
        if self.current_exhibit:
            self.app.show_source(self.current_exhibit)
