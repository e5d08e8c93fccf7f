"""LeCun's digits: a small convnet on the UCI optical digits, checked from outside the lab.

The claim (≥ 95% of the 360 held-out digits read right) is recomputed here with a forward
pass written out by hand from the lab's weights, on a split rebuilt here, and shown to fail
with learning rate 0. The drawing grid and the view are driven through Textual's Pilot.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from textual.app import App, ComposeResult
from textual.widgets import Static

from exhibits.backprop.lecun_digits.grid import DrawGrid
from exhibits.backprop.lecun_digits.lab import DigitsLab, parse_drawing
from exhibits.backprop.lecun_digits.view import DigitsView
from museum.lab.api import UnknownCommand, Update
from museum.lab.assets import ASSETS, AssetError
from tests.test_labs_foundations import assert_plain, same

ROOT = Path(__file__).resolve().parents[1]
JUNK = ["猫", "", None, float("nan"), float("inf"), -1, 10**12, [0, 1], {"a": 1}]
BUDGET = 200  # seed 0 reaches 95% held out at step 170 (evaluated every 10 steps)


@pytest.fixture(scope="module")
def trained():
    torch.set_num_threads(1)  # as the lab's child process runs it on these machines
    lab = DigitsLab(seed=0)
    for _ in range(BUDGET):
        lab.step()
    return lab


def held_out_split():
    """The split rebuilt here: a fixed permutation (seed 1989), first 360 held out."""
    with np.load(ASSETS / "digits.npz", allow_pickle=False) as data:
        images, labels = data["images"], data["labels"]
    perm = torch.randperm(len(labels), generator=torch.Generator().manual_seed(1989)).numpy()
    return images, labels, perm[:360], perm[360:]


def forward_by_hand(lab, images: np.ndarray) -> np.ndarray:
    """The lab's weights, applied with functional ops written out here: (N, 8, 8) -> (N, 10)."""
    w = {k: v.detach() for k, v in lab.net.state_dict().items()}
    x = torch.tensor(images, dtype=torch.float64)[:, None] / 8.0 - 1.0  # ±1, as in the lab
    h = torch.tanh(F.conv2d(x, w["conv1.weight"].double(), w["conv1.bias"].double()))
    h = torch.tanh(F.conv2d(h, w["conv2.weight"].double(), w["conv2.bias"].double()))
    h = h.reshape(len(x), -1, 2, 2, 2, 2).mean(dim=(3, 5))  # (N, c, 4, 4) -> 2×2 means
    return (h.flatten(1) @ w["out.weight"].double().T + w["out.bias"].double()).numpy()


# --- the claim ---------------------------------------------------------------------------


def test_claim_is_met_within_the_budget_and_stays_met(trained):
    assert trained.claim_met()
    assert trained.claim_step is not None and trained.claim_step <= BUDGET
    assert trained.claim_step % trained.cfg.eval_every == 0


def test_claim_checked_independently_on_held_out_digits_never_trained_on(trained):
    images, labels, test, train = held_out_split()
    assert len(test) == 360 and len(train) == 1437 and not set(test) & set(train)
    # the lab's held-out set is exactly these images, and none of them is in its training set
    lab_test = ((trained.x_test[:, 0] + 1) * 8).round().numpy().astype(np.uint8)
    np.testing.assert_array_equal(lab_test, images[test])
    np.testing.assert_array_equal(trained.y_test.numpy(), labels[test])
    lab_train = ((trained.x_train[:, 0] + 1) * 8).round().numpy().astype(np.uint8)
    np.testing.assert_array_equal(lab_train, images[train])
    # the accuracy, recomputed from the current weights
    pred = forward_by_hand(trained, images[test]).argmax(1)
    acc = float((pred == labels[test]).mean())
    trained.evaluate()
    assert acc == pytest.approx(trained.accuracy, abs=1 / 360)
    assert acc >= 0.95, acc
    # the confusion matrix and the misread digits agree with these predictions
    conf = np.zeros((10, 10), int)
    np.add.at(conf, (labels[test], pred), 1)
    snap = trained.snapshot()
    np.testing.assert_array_equal(snap["confusion"], conf)
    wrong = np.flatnonzero(pred != labels[test])
    assert snap["n_wrong"] == len(wrong)
    k = min(len(wrong), trained.cfg.max_mistakes)
    np.testing.assert_array_equal(snap["mistakes"], images[test][wrong[:k]])
    assert snap["mistake_true"] == labels[test][wrong[:k]].tolist()
    assert snap["mistake_pred"] == pred[wrong[:k]].tolist()


def test_claim_not_met_before_training_or_with_learning_rate_zero():
    fresh = DigitsLab(seed=0)
    assert not fresh.claim_met() and fresh.accuracy < 0.5
    frozen = DigitsLab(seed=0, lr=0.0)
    for _ in range(BUDGET):
        frozen.step()
    assert not frozen.claim_met()
    assert frozen.accuracy < 0.5  # about chance: nothing was learned
    assert frozen.snapshot()["held_out"] == fresh.snapshot()["held_out"]


def test_the_split_does_not_depend_on_the_seed():
    a, b = DigitsLab(seed=0), DigitsLab(seed=7)
    assert torch.equal(a.x_test, b.x_test) and torch.equal(a.y_test, b.y_test)
    assert not torch.equal(a.net.conv1.weight, b.net.conv1.weight)


def test_done_after_max_steps():
    lab = DigitsLab(seed=0, max_steps=15)
    for _ in range(14):
        lab.step()
    assert not lab.done()
    lab.step()
    assert lab.done() and lab.evaluated_at == 15  # the last step is evaluated


# --- determinism and snapshots ------------------------------------------------------------


def test_same_seed_same_snapshot_different_seeds_differ():
    a, b, c = DigitsLab(seed=3), DigitsLab(seed=3), DigitsLab(seed=4)
    for lab in (a, b, c):
        for _ in range(25):
            lab.step()
    assert same(a.snapshot(), b.snapshot())
    assert not same(a.snapshot(), c.snapshot())


def test_snapshot_is_plain_data_with_the_promised_shapes(trained):
    snap = trained.snapshot()
    assert_plain(snap)
    assert_plain(DigitsLab(seed=1).snapshot())
    assert snap["confusion"].shape == (10, 10) and snap["confusion"].sum() == 360
    assert snap["filters"].shape == (8, 3, 3)
    assert snap["mistakes"].shape[1:] == (8, 8) and snap["mistakes"].dtype == np.uint8
    assert len(snap["mistakes"]) == len(snap["mistake_true"]) == len(snap["mistake_pred"])
    assert len(snap["drawing"]) == 64 and len(snap["probs"]) == 10
    assert math.isclose(sum(snap["probs"]), 1.0, rel_tol=1e-5)
    assert snap["params"] == 1898
    assert snap["n_train"] == 1437 and snap["n_test"] == 360


# --- the visitor's drawing ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["draw", "sample", "nonsense", ""])
@pytest.mark.parametrize("value", JUNK)
def test_junk_commands_raise_only_value_error(trained, name, value):
    try:
        trained.command(name, value)
    except ValueError:
        pass  # UnknownCommand is a ValueError too
    if name == "nonsense":
        with pytest.raises(UnknownCommand):
            trained.command(name, value)


@pytest.mark.parametrize("value", [
    [0] * 63, [0] * 65, [17] + [0] * 63, [-1] + [0] * 63, [float("nan")] + [0] * 63,
    [1.5] + [0] * 63, ["1"] + [0] * 63, [None] * 64, [True] + [0] * 63, [[0] * 8] * 7,
    [[0] * 8] * 7 + [[0] * 9], [[0] * 8] * 7 + [["x"] * 8], "0" * 64, b"\0" * 64, 64, object(),
    [10**100] + [0] * 63,
])
def test_junk_drawings_raise_value_error_with_a_short_message(trained, value):
    before = trained.snapshot()["drawing"]
    with pytest.raises(ValueError) as err:
        trained.command("draw", value)
    assert 0 < len(str(err.value)) < 80
    assert trained.snapshot()["drawing"] == before  # a bad drawing changes nothing


def test_drawings_flat_nested_or_numpy_are_read_by_the_current_model():
    lab = DigitsLab(seed=0)
    images, labels, test, _ = held_out_split()
    digit = images[test[5]]
    lab.command("draw", digit.tolist())  # 8 rows of 8
    assert lab.snapshot()["drawing"] == digit.flatten().tolist()
    lab.command("draw", digit.flatten())  # a NumPy array
    lab.command("draw", [float(v) for v in digit.flatten()])  # whole floats
    before = lab.snapshot()
    assert before["sample_index"] is None  # it is the visitor's drawing now
    expected = torch.softmax(torch.tensor(forward_by_hand(lab, digit[None])), 1)[0]
    np.testing.assert_allclose(before["probs"], expected.numpy(), atol=1e-5)
    for _ in range(20):
        lab.step()
    after = lab.snapshot()
    assert after["drawing"] == before["drawing"]
    assert not np.allclose(after["probs"], before["probs"])  # re-read by the trained model
    expected = torch.softmax(torch.tensor(forward_by_hand(lab, digit[None])), 1)[0]
    np.testing.assert_allclose(after["probs"], expected.numpy(), atol=1e-5)


def test_sample_puts_held_out_digits_on_the_grid():
    lab = DigitsLab(seed=0)
    images, labels, test, _ = held_out_split()
    assert lab.snapshot()["drawing"] == images[test[0]].flatten().tolist()
    lab.command("sample", None)
    snap = lab.snapshot()
    assert snap["sample_index"] == 1 and snap["sample_label"] == labels[test[1]]
    assert snap["drawing"] == images[test[1]].flatten().tolist()
    lab.command("sample", 359)
    lab.command("sample", None)
    assert lab.snapshot()["sample_index"] == 0  # wraps round
    for bad in (360, -1, 2.0, True, "3"):
        with pytest.raises(ValueError):
            lab.command("sample", bad)


def test_parse_drawing_accepts_the_edges():
    assert parse_drawing([16] * 64) == [16] * 64
    assert parse_drawing(np.zeros((8, 8), np.uint8)) == [0] * 64


# --- a missing or damaged digits file -------------------------------------------------------


@pytest.mark.parametrize("content", [None, b"not a zip file", b"PK\x03\x04broken"])
def test_missing_or_damaged_file_names_the_regenerate_command(tmp_path, content):
    path = tmp_path / "digits.npz"
    if content is not None:
        path.write_bytes(content)
    lab = DigitsLab(seed=0, digits_path=str(path))  # the view shows the message at once
    snap = lab.snapshot()
    assert_plain(snap)
    assert "make_digits.py" in snap["asset_error"]
    with pytest.raises(AssetError, match="make_digits.py"):
        lab.step()  # the runner stops the lab with this message; `museum run` exits 1
    with pytest.raises(ValueError, match="make_digits.py"):
        lab.command("draw", [0] * 64)
    assert not lab.claim_met() and not lab.done()


def test_a_file_of_the_wrong_shape_is_refused(tmp_path):
    path = tmp_path / "digits.npz"
    np.savez(path, images=np.zeros((200, 4, 4), np.uint8), labels=np.zeros(200, np.uint8))
    with pytest.raises(AssetError, match="make_digits.py"):
        DigitsLab(seed=0, digits_path=str(path)).step()


def test_museum_run_without_the_file_exits_1_with_the_message_and_no_traceback(tmp_path):
    script = (
        "import sys, pathlib, museum.lab.assets as a\n"
        f"a.ASSETS = pathlib.Path({str(tmp_path)!r})\n"
        "from museum.cli import main\n"
        "sys.exit(main(['run', 'lecun_digits', '--steps', '5', '--json']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 1
    assert "digits.npz is missing" in result.stderr and "make_digits.py" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert '"claim_met": false' in result.stdout


# --- the drawing grid and the view (Textual) ------------------------------------------------


class GridApp(App):
    """A grid beside a focusable widget, under app bindings like the exhibit screen's."""

    AUTO_FOCUS = None  # nothing focused at first, as on the exhibit screen after escape
    BINDINGS = [("space", "toggled", "run"), ("q", "quitted", "quit"),
                ("left", "moved", "prev")]

    def __init__(self):
        super().__init__()
        self.actions: list[str] = []
        self.changes: list[list[int]] = []
        self.left = 0

    def compose(self) -> ComposeResult:
        yield DrawGrid()
        yield Static("other", id="other")

    def action_toggled(self):
        self.actions.append("toggle")

    def action_quitted(self):
        self.actions.append("quit")

    def action_moved(self):
        self.actions.append("left")

    def on_draw_grid_changed(self, message):
        self.changes.append(message.pixels)

    def on_draw_grid_leave(self, _):
        self.left += 1
        self.set_focus(None)


async def test_grid_owns_space_arrows_and_letters_only_while_focused():
    app = GridApp()
    async with app.run_test(size=(40, 12)) as pilot:
        grid = app.query_one(DrawGrid)
        await pilot.press("space")
        assert app.actions == ["toggle"] and not app.changes  # not focused: the app's key
        grid.focus()
        await pilot.pause()
        await pilot.press("space")  # paints at the cursor (3, 3)
        assert app.actions == ["toggle"]
        assert app.changes[-1][3 * 8 + 3] == 16
        await pilot.press("space")
        assert app.changes[-1][3 * 8 + 3] == 0  # toggles off
        await pilot.press(*["left"] * 12, *["up"] * 12)  # far past the edge: it stops there
        assert grid.cursor == (0, 0) and "left" not in app.actions
        await pilot.press("2", "q", "l", "r", "n")  # shade 8; the letters are swallowed
        assert app.changes[-1][0] == 8 and app.actions == ["toggle"]
        await pilot.press("p", "right", "right")  # pen down paints as it moves
        assert app.changes[-1][:3] == [16, 16, 16]
        await pilot.press("x")
        assert app.changes[-1] == [0] * 64
        await pilot.press("escape")
        assert app.left == 1 and not grid.has_focus
        await pilot.press("space")
        assert app.actions == ["toggle", "toggle"]


class ViewApp(App):
    def __init__(self, lang="en"):
        super().__init__()
        self.lang = lang
        self.commands: list[tuple] = []

    def compose(self) -> ComposeResult:
        yield DigitsView(lang=self.lang, id="view")

    def on_lab_view_command(self, message):
        self.commands.append((message.name, message.value))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [(44, 11), (70, 22)])
async def test_view_draws_every_panel_and_sends_the_drawing(trained, lang, size):
    app = ViewApp(lang)
    async with app.run_test(size=size) as pilot:
        view = app.query_one(DigitsView)
        snap = trained.snapshot()
        view.show(Update(step=trained.steps, snapshot=snap))
        await pilot.pause()
        view.focus()
        side = str(view.query_one("#dg-side", Static).content)
        assert ("reads" if lang == "en" else "读作") in side and "360" in side
        shown = set()
        for _ in range(4):  # every panel draws (v cycles; in the wide layout all are shown)
            await pilot.press("v")
            await pilot.pause()
            panel = view.query_one("#dg-panel", Static)
            if panel.display:
                shown.add(str(panel.content))
        text = "\n".join(shown)
        conf = snap["confusion"]
        assert f"{conf[1][1]:>2}  ·" in text  # a count on the diagonal, zeros as dots
        t, p = np.argwhere(conf - np.diag(np.diag(conf)))[0]  # the first mistake
        row = [line for line in text.splitlines() if line.startswith(f"{t:>2} ")][0]
        assert row[2 + 3 * p:5 + 3 * p] == f"{conf[t][p]:>3}"
        assert ("misread" if lang == "en" else "读错") in text
        assert "→" in text and "░" in text  # captions and block images
        await pilot.press("m", "d")
        await pilot.pause()
        assert view.query_one(DrawGrid).has_focus
        await pilot.press("x", "space")
        assert app.commands[-1][0] == "draw" and sum(app.commands[-1][1]) == 16
        await pilot.press("escape", "s")
        assert app.commands[-1] == ("sample", None) and view.has_focus


async def test_view_shows_a_missing_file_message_instead_of_the_panels(tmp_path):
    lab = DigitsLab(seed=0, digits_path=str(tmp_path / "digits.npz"))
    app = ViewApp("en")
    async with app.run_test(size=(44, 11)) as pilot:
        view = app.query_one(DigitsView)
        view.show(Update(snapshot=lab.snapshot()))
        await pilot.pause()
        panel = view.query_one("#dg-panel", Static)
        assert panel.display and "make_digits.py" in str(panel.content)
        assert not view.query_one("#dg-top").display


async def test_in_the_exhibit_space_paints_while_the_grid_has_focus_and_runs_when_not():
    from museum.screens.exhibit import ExhibitScreen
    from tests.conftest import make_app

    app = make_app(start="lecun_digits")  # the recorded lab: nothing trains
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        runner = app.runners["lecun_digits"]
        view = app.screen.query_one(DigitsView)
        assert view.has_focus  # the screen focuses the view: v, d, s, m work at once
        await pilot.press("tab")
        grid = view.query_one(DrawGrid)
        assert grid.has_focus
        await pilot.press("x", "space", "q", "l", "r", "left", "escape")
        draws = [m for m in runner.sent if m[:2] == ("command", "draw")]
        assert draws and sum(draws[-1][2]) == 16  # cleared, then one pixel inked
        assert not [m for m in runner.sent if m[0] in ("toggle", "run", "pause", "reset")]
        assert isinstance(app.screen, ExhibitScreen) and app.screen.LANG == "en"
        assert view.has_focus  # escape left the grid, not the exhibit
        await pilot.press("space", "v", "v")
        assert ("run",) in runner.sent and view.panel == 2  # the recorded lab was paused
        await pilot.press("escape")
        assert not isinstance(app.screen, ExhibitScreen)


def test_drawing_around_a_reset_is_harmless_and_kept():
    from museum.lab.loop import LabLoop

    loop = LabLoop(DigitsLab, seed=0, speed=0)
    pixels = [16 if i % 9 == 0 else 0 for i in range(64)]
    for message in [("command", "draw", pixels), ("reset", 1), ("command", "draw", "猫"),
                    ("step",), ("command", "draw", pixels), ("reset", 1), ("step",)]:
        assert loop.handle(message)
    update = loop.update()
    assert update.state == "paused" and update.step == 1 and update.seed == 1
    assert update.snapshot["drawing"] != pixels  # a reset starts a new lab with its own digit


async def test_view_sends_its_drawing_again_when_the_lab_lost_it(trained):
    app = ViewApp("en")
    async with app.run_test(size=(44, 11)) as pilot:
        view = app.query_one(DigitsView)
        view.show(Update(snapshot=trained.snapshot()))
        view.query_one(DrawGrid).focus()
        await pilot.pause()
        await pilot.press("x", "space")
        drawing = app.commands[-1][1]
        view.sent_at -= 10  # as if the lab had been reset since
        view.show(Update(snapshot=trained.snapshot()))  # still showing its own digit
        await pilot.pause()
        assert app.commands[-1] == ("draw", drawing)
        assert view.query_one(DrawGrid).pixels == drawing  # the visitor's drawing stays
