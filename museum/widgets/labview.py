"""The base of every exhibit's view: a widget that draws a lab's updates.

A view never imports torch. It receives ``Update`` objects (plain data) through ``show`` and
talks back with ``LabView.Command`` messages, which the exhibit screen forwards to the lab.
Exhibit-local keys are ordinary Textual ``BINDINGS`` on the view; list them in ``KEYS`` too,
so the help screen can show them in both languages.
"""

from __future__ import annotations

from typing import Any

from textual.dom import NoScreen
from textual.message import Message
from textual.widget import Widget

from museum.lab.api import Update


class LabView(Widget):
    DEFAULT_CSS = "LabView { height: 1fr; }"

    # (key, {"en": description, "zh": description}) for the help screen.
    KEYS: tuple[tuple[str, dict], ...] = ()
    # Metrics to plot from the update's history: name -> {"en": label, "zh": label}.
    PLOT: dict[str, dict] = {}
    # A focused widget with CAPTURES_KEYS owns printable keys and arrows; escape leaves it
    # before it leaves the exhibit. Text boxes and drawing grids set it.
    CAPTURES_KEYS = False

    class Command(Message):
        """Ask the lab to do something: ``lab.command(name, value)``."""

        def __init__(self, name: str, value: Any = None) -> None:
            super().__init__()
            self.name = name
            self.value = value

    def __init__(self, lang: str = "en", **kwargs):
        super().__init__(**kwargs)
        self.lang = lang
        self.update_seen: Update | None = None

    def show(self, update: Update) -> None:
        """Draw this update. Called at most ~10 times a second, on the UI thread."""
        self.update_seen = update

    def command(self, name: str, value: Any = None) -> None:
        self.post_message(self.Command(name, value))

    def refocus_soon(self) -> None:
        """Take focus back once a text box inside has been left, so the view's keys work again."""
        self.call_after_refresh(self._refocus)

    def _refocus(self) -> None:
        # By now the visitor may have left the exhibit: the screen is going or gone.
        try:
            screen = self.screen
        except NoScreen:
            return
        if self.is_attached and screen.focused is None:
            self.focus()
