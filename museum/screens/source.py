"""The lab's source, highlighted: the model the visitor just watched, in full."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.widgets import Static

from museum.i18n import pick, t
from museum.screens.base import MuseumModal


class SourceScreen(MuseumModal):
    def __init__(self, exhibit):
        super().__init__()
        self.exhibit = exhibit

    def compose(self) -> ComposeResult:
        yield from super().compose()
        path = f"exhibits/{self.exhibit.room}/{self.exhibit.slug}/lab.py"
        yield Static(
            Text.assemble(
                (pick(self.exhibit.title, self.lang) + " · ", "bold"),
                t("source_title", self.lang, path=path),
                ("   esc", "dim"),
            ),
            id="source-title",
        )
        code = self.exhibit.lab_source()
        widest = max((len(line) for line in code.splitlines()), default=0)
        listing = Static(
            Syntax(code, "python", line_numbers=True, theme="monokai", word_wrap=False,
                   code_width=widest + 1),
        )
        listing.styles.width = widest + 8  # as wide as the code, plus the line numbers
        with ScrollableContainer(id="source-body"):  # code is not wrapped: ← → scroll it
            yield listing

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#source-body").focus()
