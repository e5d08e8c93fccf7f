"""Textual's Footer, rebuilt only when the keys it shows have changed.

Textual's Footer rebuilds all its key widgets each time the screen says its bindings *may*
have changed: focus moved, a widget with bindings mounted, the screen resumed. Counted here:
4-10 rebuilds of the whole key row per exhibit switch, and two for each `l` back to a kept
screen, each a handful of widgets to compose, style and lay out while the visitor waits.
This one compares the keys it would show with those it shows, and rebuilds only on a change.

Each key widget also starts as "compact" (its class default) and is then bound to the footer's
own setting, so every key was styled three times as it mounted (as built, with ``-compact``
added, with it removed). Here each key is given the footer's setting before it mounts.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._keys_shown: tuple | None = None

    def _keys_to_show(self, screen: Screen) -> tuple:
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for _node, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = self._keys_to_show(screen)
            if keys == self._keys_shown:
                return
            self._keys_shown = keys
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget
