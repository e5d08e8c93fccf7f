"""Help: the one key table, and the exhibit's own keys when opened from an exhibit."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from museum.i18n import pick, t
from museum.screens.base import Key, MuseumModal

KEY_TABLE = (
    ("← →", "k_arrows"),
    ("enter / esc", "k_enter"),
    ("space", "k_space"),
    ("n", "k_n"),
    ("r / g", "k_r"),
    ("+ / -", "k_speed"),
    ("tab", "k_tab"),
    ("c / ? / l", "k_cl"),
    ("ctrl+p", "k_palette"),
    ("q, ctrl+q", "k_quit"),
)


class HelpScreen(MuseumModal):
    KEYS = (
        Key("escape", "dismiss", "b_close"),
        Key("question_mark", "dismiss", "b_close", show=False),
    )

    def __init__(self, local_keys: tuple = (), exhibit_title: dict | None = None):
        super().__init__()
        self.local_keys = local_keys
        self.exhibit_title = exhibit_title

    def compose(self) -> ComposeResult:
        yield from super().compose()
        lang = self.lang
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for keys, label in KEY_TABLE:
            table.add_row(keys, t(label, lang))
        with VerticalScroll(id="help-body"):
            yield Static(Text(t("help_title", lang), "bold"), classes="heading")
            yield Static(table)
            if self.local_keys:
                local = Table.grid(padding=(0, 2))
                local.add_column(style="bold magenta", no_wrap=True)
                local.add_column()
                for key, label in self.local_keys:
                    local.add_row(key, pick(label, lang))
                title = t("help_local", lang)
                if self.exhibit_title:
                    title += f" · {pick(self.exhibit_title, lang)}"
                yield Static(Text(title, "bold"), classes="heading")
                yield Static(local)
            yield Static(Text(t("help_close", lang), "dim"), classes="heading")
