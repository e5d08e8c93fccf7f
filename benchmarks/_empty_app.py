"""The floor for first paint: the smallest Textual app that shows a word and quits on q."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class EmptyApp(App):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("ready")


if __name__ == "__main__":
    EmptyApp().run()
