"""An exhibit: the narrative beside the live lab (controls, claim, the lab's own view, plots)."""

from __future__ import annotations

import time
from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Markdown, Static

from museum.i18n import pick
from museum.lab.api import FAILED, PAUSED, RUNNING, Update
from museum.lab.loop import resolve, shift_speed
from museum.screens.base import Key, MuseumScreen
from museum.widgets.footer import KeyFooter
from museum.widgets.labview import LabView
from museum.widgets.status import ClaimLine, ControlLine, claim_text, control_text


def without_title(markdown: str) -> str:
    """The title bar already names the exhibit; a second, centred H1 would cost four rows."""
    lines = markdown.lstrip().splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(lines).lstrip()


ASKED_FOR = 0.5  # seconds a toggled run state is shown before the lab has confirmed it
KEY_FIRST = 0.1  # seconds after a key in which a lab update waits for the key's frame


class LabUpdated(Message):
    """A new update is waiting in the runner (posted from the runner's thread)."""


class ExhibitScreen(MuseumScreen):
    KEYS = (
        Key("space", "toggle_run", "b_run", key_display="␣"),
        Key("n", "step", "b_step"),
        Key("r", "reset", "b_reset"),
        Key("g", "new_seed", "b_seed", show=False),
        Key("plus,equals_sign", "speed(1)", "b_faster", show=False, key_display="+"),
        Key("minus", "speed(-1)", "b_slower", show=False, key_display="-"),
        Key("escape", "back", "b_back"),
        Key("left", "app.next_exhibit(-1)", "b_prev", show=False),
        Key("right", "app.next_exhibit(1)", "b_next", show=False),
        Key("c", "app.show_source", "b_source", show=False),
        Key("up", "scroll_story(-1)", "b_prev", show=False),
        Key("down", "scroll_story(1)", "b_next", show=False),
        Key("pageup", "scroll_story(-10)", "b_prev", show=False),
        Key("pagedown", "scroll_story(10)", "b_next", show=False),
    )

    def __init__(self, exhibit, runner):
        super().__init__()
        self.exhibit = exhibit
        self.runner = runner
        self.view: LabView | None = None
        self._pending = False
        self._seen_update = False
        self._claim_shown: Text | None = None
        self._drawn: Update | None = None  # the update the lab's view and plot show
        # The visitor's choices are kept here, not read back from the lab's last update: keys
        # pressed faster than updates arrive must each count.
        self._speed = exhibit.default_speed
        self._seed = 0
        # After space, the control line shows the state asked for at once (the lab confirms
        # ~20 ms later, after its current burst): (state asked for, until, the lab's update
        # when it was asked)
        self._asked: tuple[str, float, Update | None] | None = None

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield from super().compose()
        exhibit, lang = self.exhibit, self.lang
        room = self.app.catalog.room(exhibit.room)
        yield Static(
            Text.assemble(
                (pick(room.title, lang), "cyan"), " · ", (str(exhibit.year), "bold cyan"), " · ",
                (pick(exhibit.title, lang), "bold"),
            ),
            id="exhibit-title",
        )
        with Horizontal(id="exhibit-body"):
            # filled once the screen has painted: the narrative's Markdown widgets are about half
            # the cost of building this screen, and the lab is what a visitor looks at first
            yield VerticalScroll(id="narrative", can_focus=False)
            with Vertical(id="lab"):
                yield ControlLine(id="control")
                yield ClaimLine(id="claim")
                self.view = resolve(exhibit.view)(lang=lang, id="view")
                yield self.view
                if self.view.PLOT:
                    from museum.widgets.plot import MetricPlot  # plotext only once an exhibit opens

                    yield MetricPlot(self.view.PLOT, lang=lang, id="plot")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self._tell_the_story)
        self._follow_the_lab()
        if self.view is not None and self.view.can_focus:
            self.view.focus()  # its own keys (e.g. 1, 2) work at once

    def on_screen_resume(self) -> None:
        # Shown again after ``l`` twice (the app kept this screen): the lab's updates come
        # here again, and its speed and seed are taken afresh from the lab.
        if self.runner.on_update != self._on_runner_update:
            self._seen_update = False
            self._asked = None
            self._follow_the_lab()

    def _follow_the_lab(self) -> None:
        """The lab's updates come to this screen from now on, starting with its latest.

        The screen is painted first, with the view and plot it had (a kept screen shown
        again) or their empty start (a new one), and the lab's newest state is drawn in the
        next frame, as the narrative is: drawing them was about half the time of showing a
        kept screen (~10 of ~20 ms headless), and the key is answered by the screen. An
        update this screen has drawn already is not drawn again (the lab was paused).
        """
        self.runner.on_update = self._on_runner_update
        self._draw(self.runner.latest(), lab_later=True)

    def _tell_the_story(self) -> None:
        story = self.query_one("#narrative")
        if not story.children:
            story.mount(Markdown(without_title(self.exhibit.narrative(self.lang))))

    def on_unmount(self) -> None:
        if getattr(self.runner, "on_update", None) == self._on_runner_update:
            self.runner.on_update = None

    # -- updates from the lab ---------------------------------------------------------------
    def _on_runner_update(self, update: Update) -> None:
        """Runner thread: ask the UI thread to draw, once, however many updates arrive."""
        if not self._pending:
            self._pending = True
            self.post_message(LabUpdated())

    def on_lab_updated(self, _: LabUpdated) -> None:
        """Draw the newest update; just after a key, its view and plot after the key's frame.

        A key's answer is a line (the run state, the speed); a lab update redraws the view and
        the plot (~10 ms, 3.4 KB for xor). Arriving together, they went out in one frame, and
        the key's answer waited for the lab's drawing and then for Textual's next frame tick:
        the in-screen keys of 30-45 ms in the key benchmark. Drawn a frame later, the lab's
        picture is at most a frame behind, and the key's line is not held back.
        """
        self._pending = False
        just_after_a_key = self.app.collector.since_key() < KEY_FIRST
        self._draw(self.runner.latest(), lab_later=just_after_a_key)

    def _draw(self, update: Update | None, lab_later: bool = False) -> None:
        lang = self.lang
        trains = update.trains if update is not None else True
        self._draw_control(update)
        claim = claim_text(pick(self.exhibit.claim, lang), update, lang, trains)
        if claim != self._claim_shown:  # its height may change: lay out, but only then
            self._claim_shown = claim
            self.query_one(ClaimLine).update(claim)
        if update is None:
            return
        if not self._seen_update:  # e.g. a screen rebuilt over a running lab (language switch)
            self._speed, self._seed = update.speed, update.seed
            self._seen_update = True
        if update.claim_met:
            self.app.mark_solved(self.exhibit.slug)
        if lab_later:
            self.call_after_refresh(self._draw_lab)
        else:
            self._draw_lab(update)

    def _draw_lab(self, update: Update | None = None) -> None:
        """The lab's view and plot show ``update`` (by default the newest)."""
        update = update or self.runner.latest()
        if update is None or update is self._drawn:
            return  # e.g. a kept screen shown again while its lab was paused
        self._drawn = update
        if update.snapshot and self.view is not None:
            self.view.show(update)
        if self.view is not None and self.view.PLOT:
            self.query_one("#plot").show(update.history)

    def _draw_control(self, update: Update | None) -> None:
        trains = update.trains if update is not None else True
        # Static.update lays the whole screen out again by default; ten updates a second of
        # lines whose height does not change need only a repaint.
        failed = update is not None and update.state == FAILED
        control = self.query_one(ControlLine)
        relayout = failed or control.has_class("-failed")  # its height changes only then
        control.set_class(failed, "-failed")  # a failure's message may wrap (see the .tcss)
        control.update(control_text(self._as_asked(update), self.lang, trains), layout=relayout)

    def _as_asked(self, update: Update | None) -> Update | None:
        """The lab's update, with the speed and run state the visitor has just asked for.

        Updates sent before the lab read the command still carry the old values; showing them
        would make the line flick back. The speed is the screen's own (see ``_speed``); a
        state asked for is shown until the lab reports it in a later update (the one it had
        sent may say so by chance: two quick spaces), reports a third state (done, diverged),
        or ``ASKED_FOR`` seconds have passed without word (then the lab is believed).
        """
        if update is None or not self._seen_update:
            return update
        shown = replace(update, speed=self._speed) if update.speed != self._speed else update
        if self._asked is not None:
            asked, until, before = self._asked
            if update.state in (RUNNING, PAUSED) and time.monotonic() < until:
                if update is before or update.state != asked:
                    return replace(shown, state=asked)
            self._asked = None
        return shown

    # -- the visitor's controls -------------------------------------------------------------
    def on_lab_view_command(self, message: LabView.Command) -> None:
        self.runner.send("command", message.name, message.value)

    def action_toggle_run(self) -> None:
        """Run if the line shows paused, pause if it shows running.

        The lab is told which, not to toggle: two spaces pressed before it answers the first
        then mean what the visitor saw, and its answer to the first is not shown in between.
        """
        latest = self.runner.latest()
        shown = self._as_asked(latest)
        if shown is None or shown.state not in (RUNNING, PAUSED):
            self.runner.send("toggle")  # starting, done, diverged: the lab knows best
            return
        asked = PAUSED if shown.state == RUNNING else RUNNING
        self.runner.send("pause" if asked == PAUSED else "run")
        self._asked = (asked, time.monotonic() + ASKED_FOR, latest)
        self._draw_control(latest)
        # a lab that never answers is believed once the wait is over, update or not
        self.set_timer(ASKED_FOR + 0.05, lambda: self._draw_control(self.runner.latest()))

    def action_step(self) -> None:
        self._asked = None  # a step pauses the lab: what it says next is believed
        self.runner.send("step")

    def action_reset(self) -> None:
        self._asked = None
        self.runner.send("reset", self._seed)

    def action_new_seed(self) -> None:
        self._asked = None
        self._seed += 1
        self.runner.send("reset", self._seed)

    def action_speed(self, delta: int) -> None:
        self._speed = shift_speed(self._speed, delta)
        self.runner.send("speed", self._speed)
        self._draw_control(self.runner.latest())  # the new speed shows at once

    def action_scroll_story(self, lines: int) -> None:
        self.query_one("#narrative").scroll_relative(y=lines, animate=False)

    def action_back(self) -> None:
        if self.focused is not None and getattr(self.focused, "CAPTURES_KEYS", False):
            self.set_focus(None)  # escape first leaves a text box or drawing grid
        else:
            self.app.action_back()
