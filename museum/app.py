"""The App: screens, navigation, saved progress. The building knows exhibits only via the catalog.

Navigation is a list of places (``spec``): lobby, room, exhibit, and an overlay (help, source).
Every move computes the new list and rebuilds only the screens past the common prefix, so
switching language rebuilds them all (their bindings carry the labels) while a training lab
keeps running underneath.
"""

from __future__ import annotations

from textual import events
from textual.app import App, SystemCommand

from museum.catalog import Catalog, load
from museum.collector import QuietCollector
from museum.i18n import default_lang, t
from museum.state import Progress
from museum.widgets import cjk, styles_cache

# ("lobby",) | ("room", slug) | ("exhibit", slug) | ("help", slug|None) | ("source", slug)
Place = tuple
OVERLAYS = ("help", "source")  # drawn over the screen below, which stays visible


def _exhibit_commands():
    """The palette's provider, imported when the palette first opens (not at first paint)."""
    from museum.palette import ExhibitCommands

    return ExhibitCommands


class MuseumApp(App):
    CSS_PATH = "museum.tcss"
    TITLE = "museum"
    COMMANDS = App.COMMANDS | {_exhibit_commands}

    def __init__(
        self,
        lang: str | None = None,
        start: str | None = None,
        runner_factory=None,
        state_dir=None,
        catalog: Catalog | None = None,
    ):
        super().__init__()
        cjk.install()  # Chinese narratives wrap between characters, not only at spaces
        styles_cache.install()  # removed widgets' rendered lines are let go (textual#6665)
        self.catalog = catalog or load()
        self.progress = Progress.load(state_dir)
        self.lang = lang or self.progress.lang or default_lang()
        self.start = start
        self._runner_factory = runner_factory  # made when first needed (after first paint)
        self.runners: dict = {}
        self.spec: list[Place] = []
        self._screens: list = []  # the screen shown for each place in spec
        # (place, lang) -> screen: the top place in both languages, while it stays on top
        self._kept: dict = {}
        self.last_exhibit: str | None = None
        # ←/→ only move this target and queue the move behind any keys already waiting, so
        # arrows pressed faster than screens can be built cost one build, not one each.
        self._nav_target: str | None = None
        self._closed = False
        self.collector = QuietCollector()  # full garbage collections between keys, not during

    # -- life cycle ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        if self.progress.theme in self.available_themes:
            self.theme = self.progress.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.collector.start(self)
        if self.progress.problem:
            aside = self.progress.aside or self.progress.path
            self.notify(
                t("state_reset_aside", self.lang, why=self.progress.problem, path=aside),
                severity="warning", timeout=8,
            )
        spec: list[Place] = [("lobby",)]
        exhibit = self.catalog.get(self.start) if self.start else None
        if exhibit is not None:
            spec += [("room", exhibit.room), ("exhibit", exhibit.slug)]
            self.mark_visited(exhibit.slug)
        self._go(spec)
        self.call_after_refresh(self._warm_up)

    @property
    def runner_factory(self):
        if self._runner_factory is None:
            from museum.lab.runner import RunnerFactory  # not before the lobby is painted

            self._runner_factory = RunnerFactory()
        return self._runner_factory

    def _warm_up(self) -> None:
        """Start the warm lab child (it imports torch while the visitor reads the lobby)."""
        if not self._closed:
            refill = getattr(self.runner_factory, "refill", None)
            if refill:
                refill()

    def on_unmount(self) -> None:
        self.collector.stop()
        self.shutdown()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.collector.key_pressed()
        await super().on_event(event)

    def shutdown(self) -> None:
        """End every lab process; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        for runner in self.runners.values():
            runner.close(recycle=False)
        self.runners.clear()
        close = getattr(self._runner_factory, "close", None)
        if close:
            close()

    async def action_quit(self) -> None:
        self.shutdown()
        self.exit()

    def get_system_commands(self, screen):
        """Textual's own palette commands that a visitor needs, in the visitor's language.

        Themes and quit. Left out: Textual's key panel (English only; ``?`` shows the keys in
        both languages), maximize, and its screenshot, which writes a file wherever the museum
        happened to be started.
        """
        lang = self.lang
        yield SystemCommand(t("cmd_theme", lang), t("cmd_theme_help", lang),
                            self.action_change_theme)
        yield SystemCommand(t("cmd_quit", lang), t("cmd_quit_help", lang), self.action_quit)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette  # as Textual's own, with our placeholder

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=t("palette_search", self.lang),
                                            id="--command-palette"))

    # -- where the visitor is --------------------------------------------------------------
    @property
    def place(self) -> Place:
        return self.spec[-1] if self.spec else ("lobby",)

    def _current(self, kind: str) -> str | None:
        for place in reversed(self.spec):
            if place[0] == kind:
                return place[1]
        return None

    def _go(self, spec: list[Place], restyle: bool = False) -> None:
        """Show ``spec``, building only the screens that must change.

        ``restyle`` (a language switch) rebuilds what is visible now; screens further down
        keep their old language until they are uncovered, and are rebuilt then. When only the
        top screen changes language, the one it replaces is kept (see ``_kept``), so pressing
        ``l`` again shows it without building anything. In the same way a room hidden under
        an exhibit is not rebuilt when → walks into the next room (building it cost as much
        as the exhibit shown); it shows the old room until it is uncovered, and is rebuilt
        then.
        """
        self._nav_target = None  # any other move cancels a pending ←/→
        self._resync()
        visible = len(spec) - (2 if spec and spec[-1][0] in OVERLAYS else 1)  # first one seen

        def can_stay(i: int) -> bool:
            return spec[i] == self.spec[i] or (
                i < visible and spec[i][0] == self.spec[i][0] == "room"
            )

        keep = 0
        while keep < min(len(spec), len(self.spec)) and can_stay(keep):
            keep += 1
        if restyle and spec:
            keep = min(keep, visible)
        for i in range(max(visible, 0), keep):  # seen now: in an old language or room?
            screen = self._screens[i]
            if screen.LANG != self.lang or screen.shows != spec[i]:
                keep = i  # build it anew
                break
        pops, new = len(self.spec) - keep, spec[keep:]
        # Replace rather than pop-then-push the top screen: a screen uncovered for an instant
        # would be resumed, laid out and redrawn for nothing.
        replace_top = pops > 0 and bool(new)
        twins = restyle and replace_top and pops == 1 and len(new) == 1
        if twins:
            self._keep(spec[-1], self._screens[-1])  # the screen being left, in its language
        for _ in range(pops - 1 if replace_top else pops):
            self.pop_screen()
        self.spec, self._screens = spec[:keep], self._screens[:keep]
        for i, place in enumerate(new):
            screen = self._kept.get((place, self.lang)) if twins else None
            if screen is None:
                screen = self._make_screen(place)
                screen.shows = place
                if twins:
                    self._keep(place, screen)
            self.spec.append(place)
            self._screens.append(screen)
            if i == 0 and replace_top:
                self.switch_screen(screen)
            else:
                self.push_screen(screen)
        self.call_after_refresh(self._let_go_of_kept)
        open_exhibits = {p[1] for p in spec if p[0] == "exhibit"}
        for slug in [s for s in self.runners if s not in open_exhibits]:
            self.runners.pop(slug).close()  # its warm process goes back to the pool
        if self._runner_factory is not None:  # else made by _warm_up, after the first paint
            self._warm_up()  # the next exhibit finds a warm child waiting

    def _resync(self) -> None:
        """Believe Textual's screen stack over ``spec`` where they differ.

        A screen not ours may be on top (the command palette, whose command is running this
        move), and ours may be gone: enter pressed twice quickly in the palette dismissed it
        twice, and the second dismissal popped the exhibit below (found by the fuzz walk: the
        next move then replaced the lobby). Screens above the part that still matches are
        popped; places whose screens are gone are forgotten, and built again if needed.
        """
        stack = self.screen_stack[1:]  # [0] is Textual's default screen, never shown
        alive = 0
        while (alive < min(len(stack), len(self._screens))
               and stack[alive] is self._screens[alive]):
            alive += 1
        for _ in range(len(stack) - alive):
            self.pop_screen()
        self.spec, self._screens = self.spec[:alive], self._screens[:alive]

    def _keep(self, place: Place, screen) -> None:
        """Keep ``screen`` after it is switched away from (Textual removes it otherwise)."""
        if not self.is_screen_installed(screen):
            self.install_screen(screen, name=f"kept-{id(screen)}")
        self._kept[(place, screen.LANG)] = screen

    def _let_go_of_kept(self) -> None:
        """Kept screens are for the place on top only: any other is uninstalled and removed.

        Runs once a move has taken effect (only then is a left screen out of the stack).
        """
        top = self.spec[-1] if self.spec else None
        for key, screen in list(self._kept.items()):
            if key[0] == top and key[1] != self.lang:
                continue  # the other language of what is shown: ``l`` brings it back
            if any(screen in stack for stack in self._screen_stacks.values()):
                continue  # shown, or under an overlay: let go of it once it is left
            del self._kept[key]
            self.uninstall_screen(screen)
            screen.remove()

    def _make_screen(self, place: Place):
        # Each screen's module is imported when first needed: the lobby paints sooner.
        kind, lang = place[0], self.lang
        if kind == "lobby":
            from museum.screens.lobby import LobbyScreen

            return LobbyScreen.in_lang(lang)(highlight=self._current("room"))
        if kind == "room":
            from museum.screens.room import RoomScreen

            return RoomScreen.in_lang(lang)(place[1], highlight=self._current("exhibit"))
        if kind == "exhibit":
            from museum.screens.exhibit import ExhibitScreen

            exhibit = self.catalog.get(place[1])
            return ExhibitScreen.in_lang(lang)(exhibit, self._runner_for(exhibit))
        if kind == "help":
            from museum.lab.loop import resolve
            from museum.screens.help import HelpScreen

            exhibit = self.catalog.get(place[1]) if place[1] else None
            keys = resolve(exhibit.view).KEYS if exhibit else ()
            return HelpScreen.in_lang(lang)(keys, exhibit.title if exhibit else None)
        if kind == "source":
            from museum.screens.source import SourceScreen

            return SourceScreen.in_lang(lang)(self.catalog.get(place[1]))
        raise ValueError(place)

    def _runner_for(self, exhibit):
        runner = self.runners.get(exhibit.slug)
        if runner is None:
            runner = self.runner_factory(exhibit, 0)
            runner.start()
            self.runners[exhibit.slug] = runner
        return runner

    def _base_spec(self) -> list[Place]:
        return [p for p in self.spec if p[0] in ("lobby", "room", "exhibit")]

    # -- moves -------------------------------------------------------------------------------
    def open_room(self, slug: str) -> None:
        if any(r.slug == slug for r in self.catalog.rooms):
            self._go([("lobby",), ("room", slug)])

    def open_exhibit(self, slug: str) -> None:
        exhibit = self.catalog.get(slug)
        if exhibit is None:
            return
        self.mark_visited(slug)
        self.last_exhibit = slug
        self._go([("lobby",), ("room", exhibit.room), ("exhibit", slug)])


    def action_back(self) -> None:
        if len(self.spec) > 1:
            self._go(self.spec[:-1])

    def close_overlay(self) -> None:
        if self.place[0] in ("help", "source"):
            self._go(self.spec[:-1])

    def action_next_room(self, delta: int) -> None:
        current = self._current("room")
        rooms = [r.slug for r in self.catalog.rooms]
        if current in rooms:
            index = rooms.index(current) + delta
            if 0 <= index < len(rooms):
                self.open_room(rooms[index])

    def action_next_exhibit(self, delta: int) -> None:
        current = self._nav_target or self._current("exhibit")
        if current:
            neighbour = self.catalog.neighbour(current, delta)
            if neighbour is None:
                return
            if self._nav_target is None:
                self.call_later(self._go_to_target)
            self._nav_target = neighbour.slug

    def _go_to_target(self) -> None:
        target = self._nav_target
        if target and target != self._current("exhibit"):
            self.open_exhibit(target)
        self._nav_target = None

    def action_help(self) -> None:
        if self.place[0] == "help":
            self.close_overlay()
        else:
            self._go(self._base_spec() + [("help", self._current("exhibit"))])

    def action_show_source(self, slug: str | None = None) -> None:
        self.show_source(slug)

    def show_source(self, slug: str | None = None) -> None:
        slug = slug or self._current("exhibit")
        if slug and self.catalog.get(slug):
            self._go(self._base_spec() + [("source", slug)])

    def action_switch_language(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"
        self.progress.lang = self.lang
        self.progress.save()
        self._go(list(self.spec), restyle=True)

    # -- progress ----------------------------------------------------------------------------
    def mark_visited(self, slug: str) -> None:
        if slug not in self.progress.visited:
            self.progress.visited.add(slug)
            self.progress.save()

    def mark_solved(self, slug: str) -> None:
        if slug not in self.progress.solved:
            self.progress.solved.add(slug)
            self.progress.visited.add(slug)
            self.progress.save()

    def _remember_theme(self, theme) -> None:
        self.progress.theme = theme.name
        self.progress.save()
