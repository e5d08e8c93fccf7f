"""Backpropagation on XOR: the claim, the stuck starts, and the hand-written backward pass,
each checked by recomputing the net with plain torch from the lab's weights."""

from __future__ import annotations

import math

import pytest
import torch
from rich.cells import cell_len

from exhibits.backprop.backprop.lab import BackpropLab
from exhibits.backprop.backprop.view import HID_BOUNDS, draw, field_lines
from museum.lab.api import UnknownCommand
from tests.test_labs_foundations import assert_plain, same

CLAIM_BUDGET = 170  # seed 0 meets the claim at step 161
STUCK_SEED = 5  # stuck from step 541 (the loss sits at 0.125 after 200,000 steps)
JUNK = ["猫", "", None, float("nan"), float("inf"), -1, 10**12, [0, 1], {"a": 1}, object()]
XOR_X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
XOR_T = torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64)


def plain_net(snap: dict) -> torch.nn.Sequential:
    """The lab's weights copied into an ordinary torch 2-2-1 sigmoid net."""
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 1), torch.nn.Sigmoid()
    ).double()
    f64 = torch.float64  # snapshot floats are Python doubles: keep every bit
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor(snap["W1"], dtype=f64))
        net[0].bias.copy_(torch.tensor(snap["b1"], dtype=f64))
        net[2].weight.copy_(torch.tensor([snap["w2"]], dtype=f64))
        net[2].bias.copy_(torch.tensor([snap["b2"]], dtype=f64))
    return net


def independent_check(snap: dict) -> tuple[bool, float, torch.Tensor, torch.Tensor]:
    """(all four right, mean squared error, outputs, hidden) without the lab's own code."""
    net = plain_net(snap)
    with torch.no_grad():
        hidden = net[1](net[0](XOR_X))
        out = net(XOR_X).squeeze(1)
        loss = torch.nn.functional.mse_loss(out, XOR_T).item()
    right = bool((((out > 0.5) & (XOR_T == 1)) | ((out < 0.5) & (XOR_T == 0))).all())
    return right, loss, out, hidden


def train(lab: BackpropLab, steps: int, until_claim: bool = False) -> list[dict]:
    metrics = []
    for _ in range(steps):
        metrics.append(lab.step())
        assert all(type(v) is float and math.isfinite(v) for v in metrics[-1].values())
        if until_claim and lab.claim_met():
            break
    return metrics


@pytest.fixture(scope="module")
def solved():
    lab = BackpropLab(seed=0)
    before = lab.snapshot()
    stuck_flags = []
    for _ in range(CLAIM_BUDGET):
        lab.step()
        stuck_flags.append(lab.snapshot()["stuck_since"])
        if lab.claim_met():
            break
    return lab, before, stuck_flags


@pytest.fixture(scope="module")
def stuck():
    lab = BackpropLab(seed=STUCK_SEED)
    train(lab, 700)
    return lab


# --- the claim ----------------------------------------------------------------------------


def test_claim_met_within_budget_and_true_by_independent_check(solved):
    lab, _, stuck_flags = solved
    assert lab.claim_met()
    assert lab.solved_step == lab.steps <= CLAIM_BUDGET
    snap = lab.snapshot()
    right, loss, out, hidden = independent_check(snap)
    assert right and loss < 0.05
    assert loss == pytest.approx(snap["loss"], abs=1e-12)
    assert torch.allclose(out, torch.as_tensor(snap["outputs"]), atol=1e-12)
    assert torch.allclose(hidden, torch.as_tensor(snap["hidden"]), atol=1e-12)
    assert all(flag is None for flag in stuck_flags), "a solving run was flagged stuck"


def test_claim_not_met_one_step_earlier():
    lab = BackpropLab(seed=0)
    train(lab, 160)
    right, loss, _, _ = independent_check(lab.snapshot())
    assert not lab.claim_met()
    assert not (right and loss < 0.05)


def test_claim_not_met_before_training(solved):
    _, before, _ = solved
    right, loss, _, _ = independent_check(before)
    assert not (right and loss < 0.05)
    assert not BackpropLab(seed=0).claim_met()


def test_claim_not_met_when_nothing_learns():
    lab = BackpropLab(seed=0, lr=1e-9)
    train(lab, CLAIM_BUDGET)
    assert not lab.claim_met()
    _, loss, _, _ = independent_check(lab.snapshot())
    assert loss > 0.2


def test_hidden_layer_makes_xor_linearly_separable(solved):
    """In (h1, h2) the output unit's line w2·h + b2 = 0 separates the classes."""
    lab, _, _ = solved
    snap = lab.snapshot()
    _, _, _, hidden = independent_check(snap)
    side = hidden @ torch.tensor(snap["w2"], dtype=torch.float64) + snap["b2"]
    assert ((side > 0) == (XOR_T == 1)).all()


def test_claim_stays_met(solved):
    lab = BackpropLab(seed=0)
    train(lab, CLAIM_BUDGET + 50)
    assert lab.claim_met() and lab.solved_step == solved[0].solved_step


# --- stuck starts -------------------------------------------------------------------------


def test_stuck_seed_is_flagged_and_really_stuck(stuck):
    snap = stuck.snapshot()
    assert not stuck.claim_met()
    assert snap["stuck_since"] is not None and snap["merged"] == [[1, 3]]  # 01 and 11
    right, loss, out, hidden = independent_check(snap)
    assert not right
    assert loss == pytest.approx(0.125, abs=2e-3)  # two cases answered 0.5
    assert out[1].item() == pytest.approx(0.5, abs=0.01)
    assert out[3].item() == pytest.approx(0.5, abs=0.01)
    # 01 and 11 (targets 1 and 0) share one hidden point, and the hidden units are
    # saturated there, so almost no gradient reaches them
    assert (hidden[1] - hidden[3]).abs().max() < 0.05
    slope = hidden * (1 - hidden)
    assert slope[[1, 3]].max() < 0.05
    before = snap["loss"]
    train(stuck, 300)
    assert abs(stuck.snapshot()["loss"] - before) < 1e-3
    assert not stuck.claim_met()


def test_changing_seed_changes_the_start_not_the_rule():
    a, b = BackpropLab(seed=1), BackpropLab(seed=2)
    assert not same(a.snapshot(), b.snapshot())


# --- the backward pass and the update rule ----------------------------------------------


@pytest.mark.parametrize("seed", [0, 3, STUCK_SEED])
def test_hand_written_backward_matches_autograd(seed):
    lab = BackpropLab(seed=seed)
    train(lab, 37)
    params = [p.clone().requires_grad_(True) for p in lab.params_list()]
    W1, b1, w2, b2 = params
    y = torch.sigmoid(torch.sigmoid(XOR_X @ W1.T + b1) @ w2 + b2)
    loss = ((y - XOR_T) ** 2).mean()
    expected = torch.autograd.grad(loss, params)
    for mine, theirs in zip(lab.backward(), expected):
        assert torch.allclose(mine, theirs, rtol=1e-10, atol=1e-14)


def test_update_is_gradient_descent_with_momentum():
    lab = BackpropLab(seed=4, lr=0.5, momentum=0.9)
    w0 = [p.clone() for p in lab.params_list()]
    g0 = [g.clone() for g in lab.backward()]
    lab.step()
    w1 = [p.clone() for p in lab.params_list()]
    for a, b, g in zip(w0, w1, g0):
        assert torch.allclose(b, a - 0.5 * g)
    g1 = [g.clone() for g in lab.backward()]
    lab.step()
    for a, b, c, g in zip(w0, w1, lab.params_list(), g1):
        assert torch.allclose(c, b - 0.5 * g + 0.9 * (b - a))


def test_momentum_off_is_plain_gradient_descent():
    lab = BackpropLab(seed=4)
    train(lab, 5)
    lab.command("momentum", 0)
    w = [p.clone() for p in lab.params_list()]
    g = [x.clone() for x in lab.backward()]
    lab.step()
    for a, b, d in zip(w, lab.params_list(), g):
        assert torch.allclose(b, a - 1.0 * d)
    assert lab.snapshot()["momentum"] == 0.0


# --- the contract -------------------------------------------------------------------------


def test_same_seed_same_run():
    a, b = BackpropLab(seed=7), BackpropLab(seed=7)
    assert train(a, 60) == train(b, 60)
    assert same(a.snapshot(), b.snapshot())


def test_snapshot_is_plain_data(stuck):
    assert_plain(BackpropLab(seed=3).snapshot())
    assert_plain(stuck.snapshot())


def test_commands_take_good_values_and_refuse_junk():
    lab = BackpropLab()
    lab.command("lr", 0.25)
    lab.command("momentum", 0.5)
    assert (lab.lr, lab.momentum) == (0.25, 0.5)
    for name in ("lr", "momentum"):
        for value in [*JUNK, 0 if name == "lr" else 1, 51, True]:
            with pytest.raises(ValueError):
                lab.command(name, value)
    for name in ["explode", "猫", "", None, 3]:
        for value in JUNK[:3]:
            with pytest.raises(UnknownCommand):
                lab.command(name, value)
    assert (lab.lr, lab.momentum) == (0.25, 0.5)
    train(lab, 3)


def test_bad_params_are_refused():
    with pytest.raises(TypeError):
        BackpropLab(no_such_field=1)
    for params in ({"init": 0}, {"init": float("nan")}, {"lr": -1}, {"momentum": 1.0}):
        with pytest.raises(ValueError):
            BackpropLab(**params)


def test_never_done(solved):
    assert solved[0].done() is False


# --- the view's drawing (plain function, no app) -------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [(46, 10), (70, 22)])
@pytest.mark.parametrize("panel", [0, 1])
def test_drawing_fits_and_tells_stuck_from_solved(solved, stuck, lang, size, panel):
    width, height = size
    for lab, word in ((solved[0], "✓"), (stuck, "✗")):
        text = draw(lab.snapshot(), lang, width, height, panel)
        lines = text.plain.split("\n")
        assert len(lines) <= height
        assert all(cell_len(line) <= width for line in lines), lines
        assert word in text.plain


def test_hidden_field_marks_an_o_and_an_x_on_one_spot(solved, stuck):
    def field(snap):
        lines = field_lines(18, 9, snap["hidden"], snap["targets"], lambda x, y: 1.0, HID_BOUNDS)
        return "".join(line.plain for line in lines)

    stuck_field, solved_field = field(stuck.snapshot()), field(solved[0].snapshot())
    assert stuck_field.count("*") == 1  # 01 (o) and 11 (x) on one cell
    assert "*" not in solved_field and solved_field.count("o") == 2
