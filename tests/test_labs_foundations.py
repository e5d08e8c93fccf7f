"""The foundations room: McCulloch–Pitts, the perceptron, and XOR.

Every claim is checked against an independent plain-Python or NumPy reimplementation, so a
lab that merely says it succeeded does not pass.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from exhibits.foundations.mcculloch_pitts.lab import McCullochPittsLab, Unit
from exhibits.foundations.perceptron.lab import PerceptronLab
from exhibits.foundations.xor.lab import XorLab
from museum.lab.api import UnknownCommand

LABS = [McCullochPittsLab, PerceptronLab, XorLab]
JUNK = ["猫", "", None, float("nan"), float("inf"), -1, 2, 1.5, [0, 1, 0], {"a": 1}, object()]
ROOM = Path(__file__).resolve().parents[1] / "exhibits" / "foundations"


# --- helpers ------------------------------------------------------------------------------


def assert_plain(value, where="snapshot"):
    """Only numbers, bools, str, None, lists, str-keyed dicts and numeric NumPy arrays."""
    assert not isinstance(value, torch.Tensor), f"{where} is a torch tensor"
    if value is None or isinstance(value, (bool, int, float, str)):
        return
    if isinstance(value, np.ndarray):
        assert value.dtype.kind in "biuf", f"{where} has dtype {value.dtype}"
        return
    if isinstance(value, list):
        for i, v in enumerate(value):
            assert_plain(v, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str), f"{where} has key {k!r}"
            assert_plain(v, f"{where}[{k!r}]")
        return
    raise AssertionError(f"{where} is a {type(value).__name__}")


def same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    return type(a) is type(b) and a == b


def run(lab, n: int):
    metrics = [lab.step() for _ in range(n)]
    for m in metrics:
        assert all(type(v) is float and math.isfinite(v) for v in m.values()), m
    return metrics


# --- all three labs -----------------------------------------------------------------------


@pytest.mark.parametrize("cls", LABS)
def test_snapshot_is_plain_data(cls):
    lab = cls(seed=3)
    assert_plain(lab.snapshot())
    run(lab, 50)
    assert_plain(lab.snapshot())


@pytest.mark.parametrize("cls", LABS)
def test_same_seed_same_run(cls):
    a, b = cls(seed=5), cls(seed=5)
    assert run(a, 37) == run(b, 37)
    assert same(a.snapshot(), b.snapshot())


@pytest.mark.parametrize("cls", LABS)
def test_unknown_command(cls):
    for name in ["explode", "猫", "", None]:
        with pytest.raises(UnknownCommand):
            cls().command(name, 1)


@pytest.mark.parametrize("cls", [PerceptronLab, XorLab])
def test_params_override_config(cls):
    with pytest.raises(TypeError):
        cls(no_such_field=1)


@pytest.mark.parametrize("name", ["mcculloch_pitts", "perceptron", "xor"])
def test_labs_import_only_torch_numpy_stdlib_and_the_api(name):
    tree = ast.parse((ROOM / name / "lab.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            mods = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            mods = [node.module or ""]
        else:
            continue
        for mod in mods:
            top = mod.split(".")[0]
            assert top != "textual", mod
            assert top != "museum" or mod == "museum.lab.api", mod
    if name == "mcculloch_pitts":
        assert "torch" not in (ROOM / name / "lab.py").read_text(encoding="utf-8")


# --- McCulloch–Pitts ----------------------------------------------------------------------


def test_mp_truth_table_is_xor_and_claim_met():
    lab = McCullochPittsLab()
    assert lab.trains is False
    table = lab.snapshot()["truth_table"]
    assert table == [[0, 0, 0, 0], [0, 1, 1, 1], [1, 0, 1, 1], [1, 1, 0, 0]]
    assert lab.claim_met()


def test_mp_gates_compute_and_or_not():
    lab = McCullochPittsLab()
    for x1 in (0, 1):
        for x2 in (0, 1):
            lab.command("set", [x1, x2])
            snap = lab.snapshot()
            gates = {g["name"]: g["output"] for g in snap["gates"]}
            assert gates == {"AND": x1 & x2, "OR": x1 | x2, "NOT": 1 - x1}
            h1, h2 = snap["hidden"]
            assert (h1["output"], h2["output"]) == (x1 & (1 - x2), (1 - x1) & x2)
            assert snap["output"]["inputs"] == [h1["output"], h2["output"]]
            assert snap["output"]["output"] == x1 ^ x2
            assert snap["output"]["sum"] == h1["output"] + h2["output"]


@pytest.mark.parametrize(
    "broken",
    [
        {"out": Unit((1, 1), 2)},  # AND of h1, h2: never fires
        {"h1": Unit((1, 1), 1)},  # OR instead of x1 AND NOT x2: fires on 11
        {"h2": Unit((-1, 1), 0)},  # fires on 00
    ],
)
def test_mp_claim_fails_with_broken_wiring(broken):
    lab = McCullochPittsLab(**broken)
    assert not lab.claim_met()
    assert any(out != want for _, _, out, want in lab.snapshot()["truth_table"])


def test_mp_step_cycles_through_the_four_rows():
    lab = McCullochPittsLab()
    assert lab.snapshot()["row"] == 0 and lab.snapshot()["inputs"] == [0, 0]
    seen = []
    for _ in range(8):
        m = lab.step()
        snap = lab.snapshot()
        x1, x2 = snap["inputs"]
        assert m == {"row": float(snap["row"]), "xor_out": float(x1 ^ x2)}
        seen.append(snap["row"])
    assert seen == [1, 2, 3, 0, 1, 2, 3, 0]


def test_mp_toggle_and_set():
    lab = McCullochPittsLab()
    lab.command("toggle", 1)
    assert lab.snapshot()["inputs"] == [0, 1] and lab.snapshot()["row"] == 1
    lab.command("toggle", 0)
    assert lab.snapshot()["inputs"] == [1, 1] and lab.snapshot()["row"] == 3
    lab.command("toggle", 1)
    assert lab.snapshot()["inputs"] == [1, 0]
    lab.command("set", [0, 1])
    assert lab.snapshot()["inputs"] == [0, 1]
    lab.command("set", (1, 1))
    assert lab.snapshot()["output"]["output"] == 0
    lab.step()  # from row 3 back to row 0
    assert lab.snapshot()["inputs"] == [0, 0]


@pytest.mark.parametrize("value", JUNK)
def test_mp_junk_toggle_raises_value_error(value):
    lab = McCullochPittsLab()
    with pytest.raises(ValueError):
        lab.command("toggle", value)
    assert lab.snapshot()["inputs"] == [0, 0]


@pytest.mark.parametrize("value", JUNK + [[0], [0, 2], [0, "1"], ["猫", 0], [None, 1], "01"])
def test_mp_junk_set_raises_value_error(value):
    lab = McCullochPittsLab()
    with pytest.raises(ValueError):
        lab.command("set", value)
    assert lab.snapshot()["inputs"] == [0, 0]


# --- the perceptron -----------------------------------------------------------------------


def rosenblatt(points, labels, orders, steps, lr=1.0):
    """Rosenblatt's rule in plain NumPy: the reference the lab must agree with."""
    w, b, k = np.zeros(2), 0.0, 0
    for order in orders:
        for i in order:
            if k == steps:
                return w, b
            if labels[i] * (points[i] @ w + b) <= 0:
                w = w + lr * labels[i] * points[i]
                b = b + lr * labels[i]
            k += 1
    assert k == steps, "the lab recorded fewer orders than steps"
    return w, b


def run_perceptron(seed, budget):
    lab = PerceptronLab(seed=seed)
    while not lab.done() and lab.steps < budget:
        lab.step()
    return lab


def test_perceptron_claim_seed_0():
    lab = run_perceptron(0, 2000)
    assert lab.claim_met() and lab.done()
    assert lab.converged_step == 120  # measured: epochs with 5, 1, 0 mistakes
    assert lab.snapshot()["converged_step"] == lab.converged_step


def test_perceptron_data():
    lab = PerceptronLab(seed=0)
    snap = lab.snapshot()
    x, y = snap["points"], snap["labels"]
    assert x.shape == (40, 2) and x.dtype.kind == "f" and y.shape == (40,) and y.dtype.kind == "i"
    assert np.all(np.abs(x) <= 1)
    assert set(y.tolist()) == {-1, 1} and min((y == 1).sum(), (y == -1).sum()) >= 5
    dist = x @ np.array(lab.true_w) + lab.true_b
    assert np.all(np.sign(dist) == y) and np.all(np.abs(dist) >= 0.15)
    assert snap["w"] == [0.0, 0.0] and snap["b"] == 0.0 and snap["current"] == -1
    assert PerceptronLab(seed=0, n_points=12).snapshot()["points"].shape == (12, 2)


def test_perceptron_different_seeds_differ():
    a, b = PerceptronLab(seed=0), PerceptronLab(seed=1)
    assert not np.array_equal(a.snapshot()["points"], b.snapshot()["points"])
    run(a, 30), run(b, 30)
    assert not same(a.snapshot(), b.snapshot())


@pytest.mark.parametrize("steps", [1, 17, 40, 61, 100, 160])
def test_perceptron_matches_numpy_rosenblatt(steps):
    lab = PerceptronLab(seed=2)  # converges at 160: every checkpoint is mid-learning or at the end
    run(lab, steps)
    snap = lab.snapshot()
    for order in lab.orders:
        assert sorted(order) == list(range(40))
    w, b = rosenblatt(snap["points"], snap["labels"], lab.orders, steps)
    np.testing.assert_allclose(snap["w"], w, rtol=0, atol=1e-12)
    assert snap["b"] == pytest.approx(b, abs=1e-12)
    assert snap["current"] == lab.orders[(steps - 1) // 40][(steps - 1) % 40]
    assert snap["epoch"] == steps // 40 and snap["steps"] == steps


@pytest.mark.parametrize("seed", range(10))
def test_perceptron_converges_within_novikoff_bound(seed):
    probe = PerceptronLab(seed=seed)
    x, y = probe.points_np, probe.labels_np
    # Novikoff on augmented points (x, 1): mistakes <= R^2 / gamma^2 for any unit separator u
    xa = np.hstack([x, np.ones((len(x), 1))])  # (n, 3)
    u = np.array([*probe.true_w, probe.true_b])
    u /= np.linalg.norm(u)
    gamma = (y * (xa @ u)).min()
    radius2 = (xa**2).sum(1).max()
    assert gamma > 0
    bound = radius2 / gamma**2
    # every epoch before the clean one makes at least one mistake
    budget = int((bound + 1) * len(x))

    lab = run_perceptron(seed, budget)
    assert lab.converged_step is not None, f"seed {seed}: no clean epoch in {budget} steps"
    assert sum(lab.epoch_mistakes) <= bound
    assert lab.epoch_mistakes[-1] == 0 and all(m > 0 for m in lab.epoch_mistakes[:-1])
    snap = lab.snapshot()
    assert (y * (x @ np.array(snap["w"]) + snap["b"]) > 0).all()  # independent check
    assert lab.step()["errors"] == 0.0
    frozen = lab.snapshot()
    run(lab, 100)  # done means done: nothing moves any more
    assert lab.snapshot()["w"] == frozen["w"] and lab.snapshot()["b"] == frozen["b"]
    assert lab.claim_met() and lab.converged_step == snap["converged_step"]


def test_perceptron_metrics():
    lab = PerceptronLab(seed=0)
    total = 0
    for _ in range(40):
        m = lab.step()
        total += lab.snapshot()["mistake"]
        snap = lab.snapshot()
        errs = int((snap["labels"] * (snap["points"] @ snap["w"] + snap["b"]) <= 0).sum())
        assert m["errors"] == errs and m["accuracy"] == 1 - errs / 40
        assert m["epoch_mistakes"] == total
    assert lab.snapshot()["epoch_mistakes"] == [total] and not lab.claim_met()


def test_perceptron_lr_command():
    lab = PerceptronLab(seed=0)
    lab.command("lr", 0.25)
    assert lab.lr == 0.25
    lab.command("lr", 3)
    assert lab.lr == 3.0
    for value in JUNK[:6] + [0, 0.0, -0.5, float("-inf"), True, "0.5", [1.0]]:
        with pytest.raises(ValueError):
            lab.command("lr", value)
    assert lab.lr == 3.0
    with pytest.raises(ValueError):
        PerceptronLab(lr=float("nan"))


# --- XOR ----------------------------------------------------------------------------------


def xor_epoch(state, order, labels):
    """One epoch of the perceptron rule (lr 1) on the four corners, in plain Python."""
    w1, w2, b = state
    mistakes = 0
    for i in order:
        x1, x2 = i >> 1, i & 1  # point i of [[0,0],[0,1],[1,0],[1,1]]
        y = labels[i]
        if y * (w1 * x1 + w2 * x2 + b) <= 0:
            w1, w2, b = w1 + y * x1, w2 + y * x2, b + y
            mistakes += 1
    return (w1, w2, b), mistakes


XOR = [-1, 1, 1, -1]
AND = [-1, -1, -1, 1]


def run_xor(seed, budget=2000):
    lab = XorLab(seed=seed)
    while not lab.claim_met() and lab.steps < budget:
        lab.step()
    return lab


def test_xor_claim_seed_0():
    lab = run_xor(0)
    assert lab.claim_met() and not lab.done()
    # measured: entered at epoch 1, a one-epoch cycle through four mistakes, found at step 8
    assert lab.cycle_step == 8
    assert lab.snapshot()["cycle"] == {"start_epoch": 1, "length": 1, "state": [-2, 0, 1]}


@pytest.mark.parametrize("seed", range(10))
def test_xor_cycle_is_real(seed):
    initial = XorLab(seed=seed)
    start = tuple(initial.snapshot()["w"]) + (initial.snapshot()["b"],)
    assert all(-2 <= v <= 2 for v in start)
    lab = run_xor(seed)
    assert lab.claim_met(), f"seed {seed}: no cycle in 2000 steps"
    snap = lab.snapshot()
    cycle, order = snap["cycle"], lab.order
    assert sorted(order) == [0, 1, 2, 3]
    assert snap["points"].tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert snap["labels"].tolist() == XOR
    assert lab.cycle_step == 4 * (cycle["start_epoch"] + cycle["length"]) == snap["steps"]

    # replay from the lab's own initial state: the first repeat is where the lab says it is
    states, s = [start], start
    for _ in range(cycle["start_epoch"] + cycle["length"]):
        s, mistakes = xor_epoch(s, order, XOR)
        assert mistakes > 0
        states.append(s)
    assert states[cycle["start_epoch"]] == states[-1] == tuple(cycle["state"])
    assert len(set(states[:-1])) == len(states) - 1  # no earlier repeat was missed
    assert [list(t) for t in states[-len(snap["trajectory"]):]] == snap["trajectory"]
    assert snap["epoch_mistakes"] == [
        xor_epoch(states[k], order, XOR)[1] for k in range(len(states) - 1)
    ]

    # and from the cycle's state, `length` epochs bring it back, with a mistake in each
    s = tuple(cycle["state"])
    for _ in range(cycle["length"]):
        s, mistakes = xor_epoch(s, order, XOR)
        assert mistakes > 0
    assert s == tuple(cycle["state"])

    # a deterministic map that returned once returns forever: run the lab on and see it
    run(lab, 4 * cycle["length"] * 5)
    assert lab.snapshot()["trajectory"][-1] == cycle["state"]
    assert lab.claim_met() and lab.cycle_step == 4 * (cycle["start_epoch"] + cycle["length"])


@pytest.mark.parametrize("seed", range(10))
def test_separable_labels_converge_instead_of_cycling(seed):
    """Negative check: on AND (separable) the same rule reaches a clean epoch, a fixed point
    that is not a cycle of mistakes; the lab's claim must then be refused."""
    lab = XorLab(seed=seed)
    s = tuple(lab.snapshot()["w"]) + (lab.snapshot()["b"],)
    seen = {s}
    for _ in range(200):
        s, mistakes = xor_epoch(s, lab.order, AND)
        if mistakes == 0:
            break
        assert s not in seen, "a separable problem cannot cycle through mistakes"
        seen.add(s)
    assert mistakes == 0

    # the same labels swapped into the lab: it sees a repeat, but the clean epoch voids the claim
    lab.y = torch.tensor(AND)
    run(lab, 4 * 200)
    assert lab.cycle is not None and lab.clean_epochs > 0
    assert not lab.claim_met()
    assert lab.snapshot()["epoch_mistakes"][-1] == 0


def test_xor_path_and_bookkeeping():
    lab = XorLab(seed=4)
    run(lab, 300)
    snap = lab.snapshot()
    assert snap["epoch"] == 75 and snap["steps"] == 300
    assert len(snap["trajectory"]) == 64 and len(snap["epoch_mistakes"]) == 75
    assert len(snap["path"]) == 64 and snap["path"][-1] == snap["w"] + [snap["b"]]
    run(lab, 4 * 200)
    assert len(lab.snapshot()["epoch_mistakes"]) == 200
    # the metric agrees with an independent count on the corners
    m = lab.step()
    w1, w2, b = lab.snapshot()["w"] + [lab.snapshot()["b"]]
    errs = sum(XOR[i] * (w1 * (i >> 1) + w2 * (i & 1) + b) <= 0 for i in range(4))
    assert m["errors"] == errs


@pytest.mark.parametrize("value", JUNK)
def test_xor_junk_commands_raise_value_error(value):
    with pytest.raises(ValueError):
        XorLab().command("lr", value)


def test_xor_seeds_vary():
    starts = {tuple(XorLab(seed=s).snapshot()["w"]) + (XorLab(seed=s).snapshot()["b"],)
              for s in range(10)}
    assert len(starts) > 1
