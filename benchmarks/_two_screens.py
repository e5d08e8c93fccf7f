"""The floor for a key that builds a screen: a Textual app whose → shows a fresh screen.

Each screen is a numbered title and Textual's Footer, nothing of the museum's; q quits.
"""

from itertools import count

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

NUMBERS = count()


class Numbered(Screen):
    BINDINGS = [("right", "app.next", "Next"), ("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(f"screen {next(NUMBERS)} shown")
        yield Footer()


class TwoScreens(App):
    def on_mount(self) -> None:
        self.push_screen(Numbered())

    def action_next(self) -> None:
        self.switch_screen(Numbered())


if __name__ == "__main__":
    TwoScreens().run()
