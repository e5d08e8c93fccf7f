"""A screen whose heart is one list of places to open: the lobby's rooms, a room's exhibits."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from museum.screens.base import MuseumScreen


class ChoiceScreen(MuseumScreen):
    def __init__(self, highlight: str | None = None):
        super().__init__()
        self.highlight = highlight
        self._left = False  # another screen has been shown over this one since it was filled

    # -- what a subclass says -----------------------------------------------------------------
    def options(self) -> list[Option]:
        raise NotImplementedError

    def open(self, option_id: str) -> None:
        raise NotImplementedError

    def resume_highlight(self) -> str | None:
        return self.chosen

    # -- shared behaviour ---------------------------------------------------------------------
    @property
    def choices(self) -> OptionList:
        return self.query_one(OptionList)

    @property
    def chosen(self) -> str | None:
        choices = self.choices
        if choices.highlighted is None:
            return None
        return choices.get_option_at_index(choices.highlighted).id

    def _fill(self, highlight: str | None) -> None:
        """(Re)build the list, e.g. when marks changed while we were away."""
        choices = self.choices
        choices.clear_options()
        choices.add_options(self.options())
        if not choices.option_count:
            return
        try:
            choices.highlighted = choices.get_option_index(highlight) if highlight else 0
        except Exception:  # the highlighted place is not in this list
            choices.highlighted = 0

    def on_mount(self) -> None:
        super().on_mount()
        self._fill(self.highlight)
        self.choices.focus()

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        # Shown right after it mounted, its list is as on_mount filled it: filling it again
        # had the lobby's list built twice before the first paint (both before any drawing).
        if self._left:
            self._left = False
            self._fill(self.resume_highlight())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.open(event.option.id)

    def action_open(self) -> None:
        if self.chosen:
            self.open(self.chosen)
