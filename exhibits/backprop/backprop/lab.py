"""Rumelhart, Hinton & Williams (1986): a 2-2-1 sigmoid net learns XOR by back-propagating errors.

The perceptron rule could not learn XOR because no single line separates it. Two hidden units
can bend the input square into a new space where one line does. The trouble was always how to
train the hidden units: nobody tells them what they should output. Reverse-mode
differentiation (Linnainmaa 1970) answers it: run the net forward, then walk back through the
same operations, last first, multiplying local derivatives; one backward pass gives the
gradient of the loss for every weight. Werbos (1974) proposed using it for neural nets, and
the 1986 paper made it famous by showing what hidden units learn.

Here: four cases, full batch (one step = one weight update on all four), mean squared error,
plain gradient descent with momentum, exactly the update rule of the 1986 paper:
    Δw(t) = -lr · ∂L/∂w + momentum · Δw(t-1),   w += Δw
The backward pass is written out by hand, one line per local derivative, so it can be read;
the tests check it against torch.autograd.

Some starts never get there. The lab watches for the way they get stuck (measured over 200
seeds: every seed unsolved at step 1,500 did this, and no solving seed was flagged): two
cases with different targets land on the same hidden point while the hidden units are
saturated there. The output unit sees one point, so the best it can say for both is their
average (0.5, or 2/3 when three cases merge), and the saturated units pass back almost no
gradient to pull the cases apart again. After 200,000 steps such a run still sat at loss
0.1250, its gradient shrinking like 1/t.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from numbers import Real

import torch

from museum.lab.api import Lab, UnknownCommand


@dataclass
class BackpropConfig:
    init: float = 1.0  # weights and biases start uniform in [-init, init]
    lr: float = 1.0  # learning rate (ε in the 1986 paper)
    momentum: float = 0.9  # α in the 1986 paper; 0 = plain gradient descent
    target: float = 0.05  # the claim: loss below this, with all four cases right
    flat_tol: float = 1e-3  # the loss "is not moving" if its last flat_steps steps span
    flat_steps: int = 200  # less than flat_tol (stuck needs this AND a merged pair)
    merge_dist: float = 0.05  # two hidden points closer than this (in each unit) coincide
    saturation: float = 0.05  # a unit whose slope h(1-h) is below this is saturated (max 0.25)


def finite_real(value, what: str) -> float:
    if isinstance(value, Real) and not isinstance(value, bool):
        value = float(value)
        if math.isfinite(value):
            return value
    raise ValueError(f"{what} must be a finite number, got {value!r}")


def check_lr(value) -> float:
    lr = finite_real(value, "lr")
    if not 0 < lr <= 50:
        raise ValueError(f"lr must be in (0, 50], got {lr:g}")
    return lr


def check_momentum(value) -> float:
    momentum = finite_real(value, "momentum")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum:g}")
    return momentum


class BackpropLab(Lab):
    def __init__(self, seed: int = 0, device: str = "cpu", **params):
        super().__init__(seed, device, **params)
        self.cfg = cfg = BackpropConfig(**params)
        init = finite_real(cfg.init, "init")
        if init <= 0:
            raise ValueError("init must be positive")
        self.lr = check_lr(cfg.lr)
        self.momentum = check_momentum(cfg.momentum)

        # float64 on the CPU: four cases cost nothing, and a plateau's tiny gradients
        # (1e-6 after 10^5 steps) should be real, not rounding.
        f64 = dict(dtype=torch.float64, device=device)
        self.x = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], **f64)  # (4, 2) the inputs
        self.t = torch.tensor([0, 1, 1, 0], **f64)  # (4,) XOR, the targets
        g = torch.Generator().manual_seed(seed)

        def uniform(*shape):
            u = torch.rand(*shape, generator=g, dtype=torch.float64)  # on the CPU: same per seed
            return ((u * 2 - 1) * init).to(device)

        self.W1 = uniform(2, 2)  # (hidden, input): row j feeds hidden unit j
        self.b1 = uniform(2)  # (hidden,)
        self.w2 = uniform(2)  # (hidden,): hidden -> output
        self.b2 = uniform(())  # ()
        self.velocity = [torch.zeros_like(p) for p in self.params_list()]  # last Δw, for momentum

        self.steps = 0
        self.solved_step: int | None = None
        self.grad_norm = 0.0
        self.recent: deque[float] = deque(maxlen=cfg.flat_steps + 1)  # the last losses
        self.flat = False
        self.stuck_since: int | None = None
        self.forward()
        self.watch()

    def params_list(self) -> list[torch.Tensor]:
        return [self.W1, self.b1, self.w2, self.b2]

    # -- the net ----------------------------------------------------------------------------
    def forward(self) -> None:
        """Run the four cases through the net; keep what the backward pass needs."""
        self.a = self.x @ self.W1.T + self.b1  # (4, 2) hidden inputs
        self.h = torch.sigmoid(self.a)  # (4, 2) hidden activities
        self.z = self.h @ self.w2 + self.b2  # (4,) output input
        self.y = torch.sigmoid(self.z)  # (4,) outputs
        self.loss = ((self.y - self.t) ** 2).mean()  # () mean squared error over the 4 cases

    def backward(self) -> list[torch.Tensor]:
        """Reverse mode: the forward pass's operations again, last first, one chain-rule
        factor each. Every gradient reuses the one computed just before it."""
        dy = 2 * (self.y - self.t) / 4  # (4,) ∂L/∂y: from the mean of squares
        dz = dy * self.y * (1 - self.y)  # (4,) through the output sigmoid: σ' = y(1-y)
        dw2 = self.h.T @ dz  # (2,) z = h·w2 + b2
        db2 = dz.sum()  # ()
        dh = dz[:, None] * self.w2[None, :]  # (4, 2) the error sent back to each hidden unit
        da = dh * self.h * (1 - self.h)  # (4, 2) through the hidden sigmoids: h(1-h) ≤ 1/4
        dW1 = da.T @ self.x  # (2, 2) a = x·W1ᵀ + b1
        db1 = da.sum(0)  # (2,)
        return [dW1, db1, dw2, db2]

    def right(self) -> torch.Tensor:
        """(4,) bool: output on the target's side of 0.5 (exactly 0.5 counts as wrong)."""
        return torch.where(self.t > 0.5, self.y > 0.5, self.y < 0.5)

    def step(self) -> dict[str, float]:
        grads = self.backward()  # at the current weights (forward() already ran)
        self.grad_norm = math.sqrt(sum(float((g * g).sum()) for g in grads))
        for p, v, g in zip(self.params_list(), self.velocity, grads):
            v.mul_(self.momentum).sub_(self.lr * g)  # Δw(t) = -lr ∂L/∂w + α Δw(t-1)
            p.add_(v)
        self.steps += 1
        self.forward()  # metrics, claim and snapshot all describe the weights after the step
        loss, wrong = float(self.loss), int((~self.right()).sum())
        if self.solved_step is None and wrong == 0 and loss < self.cfg.target:
            self.solved_step = self.steps
        self.watch()
        return {"loss": loss, "wrong": float(wrong), "grad_norm": self.grad_norm}

    # -- is it stuck? -----------------------------------------------------------------------
    def merged(self) -> list[list[int]]:
        """Pairs of cases with different targets that the saturated hidden layer maps to one
        point. The output unit cannot tell them apart, and almost no gradient gets back."""
        slope = self.h * (1 - self.h)  # (4, 2) each hidden unit's sigmoid slope per case
        pairs = []
        for i in range(4):
            for j in range(i + 1, 4):
                if self.t[i] == self.t[j]:
                    continue
                close = float((self.h[i] - self.h[j]).abs().max()) < self.cfg.merge_dist
                flat = float(torch.maximum(slope[i], slope[j]).max()) < self.cfg.saturation
                if close and flat:
                    pairs.append([i, j])
        return pairs

    def watch(self) -> None:
        """Stuck = unsolved, the loss flat over the last flat_steps steps, and a merged pair.
        Flatness alone is not enough: some solving runs first sit near loss 0.25 (every
        output near 0.5) for a few hundred steps and then find their way down. Over 200
        seeds these settings flagged every run unsolved at step 1,500 (by step 677 at the
        latest) and no run that went on to solve."""
        self.recent.append(float(self.loss))
        self.flat = (
            len(self.recent) == self.recent.maxlen
            and max(self.recent) - min(self.recent) < self.cfg.flat_tol
        )
        stuck = self.solved_step is None and self.flat and bool(self.merged())
        if not stuck:
            self.stuck_since = None
        elif self.stuck_since is None:
            self.stuck_since = self.steps

    # -- the contract -----------------------------------------------------------------------
    def claim_met(self) -> bool:
        return self.solved_step is not None

    def done(self) -> bool:
        # Gradient descent never stops moving the weights (a solved net keeps sharpening,
        # a stuck one keeps creeping), so the visitor decides when to pause.
        return False

    def command(self, name, value) -> None:
        if name == "lr":
            self.lr = check_lr(value)
        elif name == "momentum":
            self.momentum = check_momentum(value)
            if self.momentum == 0:
                for v in self.velocity:
                    v.zero_()  # plain gradient descent from here: no leftover run-up
        else:
            raise UnknownCommand(name)

    def snapshot(self) -> dict:
        h, y = self.h.cpu(), self.y.cpu()
        return {
            "inputs": self.x.cpu().numpy().copy(),  # (4, 2)
            "targets": [int(v) for v in self.t.tolist()],
            "W1": self.W1.tolist(),  # 2 x 2, row j = weights into hidden unit j
            "b1": self.b1.tolist(),
            "w2": self.w2.tolist(),
            "b2": float(self.b2),
            "hidden": h.numpy().copy(),  # (4, 2) each case's point in the hidden layer
            "outputs": y.numpy().copy(),  # (4,)
            "right": [bool(v) for v in self.right().tolist()],
            "loss": float(self.loss),
            "grad_norm": self.grad_norm,
            "lr": self.lr,
            "momentum": self.momentum,
            "steps": self.steps,
            "solved_step": self.solved_step,
            "flat": self.flat,
            "flat_window": self.cfg.flat_steps,
            "merged": self.merged(),
            "max_slope": float((h * (1 - h)).max()),
            "stuck_since": self.stuck_since,
        }
