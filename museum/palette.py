"""Command palette: any exhibit or room by title (either language), year or slug."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from museum.i18n import pick, t


class ExhibitCommands(Provider):
    def _entries(self):
        app = self.app
        lang = app.lang
        for exhibit in app.catalog.exhibits:
            words = " ".join(
                [str(exhibit.year), exhibit.slug, exhibit.title["en"], exhibit.title.get("zh", "")]
            )
            label = f"{exhibit.year} · {pick(exhibit.title, lang)} ({exhibit.slug})"
            yield words, label, partial(app.open_exhibit, exhibit.slug), t("palette_open", lang)
        for room in app.catalog.rooms:
            words = " ".join([room.years, room.slug, room.title["en"], room.title.get("zh", "")])
            label = f"{room.years} · {pick(room.title, lang)}"
            yield words, label, partial(app.open_room, room.slug), t("palette_room", lang)

    async def discover(self) -> Hits:
        for _, label, callback, help_text in self._entries():
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for words, label, callback, help_text in self._entries():
            score = max(matcher.match(words), matcher.match(label))
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help_text)
