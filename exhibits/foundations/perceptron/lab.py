"""Rosenblatt (1958): the perceptron learning rule on two linearly separable classes.

Show the unit one point at a time. If it gets the point wrong, push the weights toward
the point's side: w += lr * y * x, b += lr * y. Novikoff (1962) proved that on separable
data this makes only finitely many mistakes, so some epoch eventually has none at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import torch

from museum.lab.api import Lab, UnknownCommand


@dataclass
class PerceptronConfig:
    n_points: int = 40
    margin: float = 0.15  # empty band either side of the true line; sets Novikoff's bound
    lr: float = 1.0  # starting from zero weights, lr only rescales w and b


def make_data(cfg: PerceptronConfig, g: torch.Generator):
    """Points in [-1, 1]^2 labelled by a random line, with a gap of `margin` around it."""
    for _ in range(100):
        normal = torch.randn(2, generator=g, dtype=torch.float64)
        normal = normal / normal.norm()  # (2,) unit, so |normal.x + offset| is a distance
        offset = torch.rand((), generator=g, dtype=torch.float64) - 0.5
        points = torch.empty(0, 2, dtype=torch.float64)
        for _ in range(1000):
            x = torch.rand(cfg.n_points, 2, generator=g, dtype=torch.float64) * 2 - 1  # (n, 2)
            x = x[(x @ normal + offset).abs() >= cfg.margin]
            points = torch.cat([points, x])[: cfg.n_points]
            if len(points) == cfg.n_points:
                break
        labels = torch.where(points @ normal + offset > 0, 1, -1)  # (n,) int64
        # a line with (almost) everything on one side teaches nothing to look at
        smaller = min(int((labels == 1).sum()), int((labels == -1).sum()))
        if len(points) == cfg.n_points and smaller >= 5:
            return points, labels, normal, offset
    raise ValueError(f"could not place {cfg.n_points} points with margin {cfg.margin}")


def positive_real(value, what: str) -> float:
    if isinstance(value, Real) and not isinstance(value, bool):
        value = float(value)
        if math.isfinite(value) and value > 0:
            return value
    raise ValueError(f"{what} must be a positive finite number, got {value!r}")


class PerceptronLab(Lab):
    def __init__(self, seed: int = 0, device: str = "cpu", **params):
        super().__init__(seed, device, **params)
        self.cfg = PerceptronConfig(**params)
        if self.cfg.n_points < 10:
            raise ValueError("n_points must be at least 10 (five of each class)")
        self.lr = positive_real(self.cfg.lr, "lr")
        self.g = torch.Generator().manual_seed(seed)  # data and orders, on the CPU
        points, labels, normal, offset = make_data(self.cfg, self.g)
        self.true_w, self.true_b = normal.tolist(), offset.item()  # the line that made the data
        self.x = points.to(device)  # (n, 2)
        self.y = labels.to(points.dtype).to(device)  # (n,) +-1.0
        self.points_np = points.numpy().copy()
        self.labels_np = labels.numpy().copy()
        self.points_np.flags.writeable = self.labels_np.flags.writeable = False

        self.w = torch.zeros(2, dtype=torch.float64, device=device)  # (2,)
        self.b = torch.zeros((), dtype=torch.float64, device=device)  # ()
        self.steps = 0
        self.orders: list[list[int]] = []  # the shuffled visiting order of every epoch begun
        self.pos = 0  # index into the current epoch's order
        self.current = -1
        self.mistake = False
        self.mistakes_now = 0
        self.epoch_mistakes: list[int] = []  # one entry per completed epoch
        self.converged_step: int | None = None

    @property
    def n(self) -> int:
        return self.cfg.n_points

    def errors(self) -> int:
        # sign(0) counts as wrong: a point on the line is not yet classified
        return int(((self.x @ self.w + self.b) * self.y <= 0).sum())

    def step(self) -> dict[str, float]:
        if self.pos == 0:
            self.orders.append(torch.randperm(self.n, generator=self.g).tolist())
        i = self.orders[-1][self.pos]
        x, y = self.x[i], self.y[i]  # (2,), ()
        self.mistake = bool(y * (self.w @ x + self.b) <= 0)
        if self.mistake:
            self.w += self.lr * y * x
            self.b += self.lr * y
            self.mistakes_now += 1
        self.current = i
        self.steps += 1
        errors = self.errors()
        metrics = {
            "errors": float(errors),
            "accuracy": 1.0 - errors / self.n,
            "epoch_mistakes": float(self.mistakes_now),
        }
        self.pos += 1
        if self.pos == self.n:  # epoch over
            self.epoch_mistakes.append(self.mistakes_now)
            if self.mistakes_now == 0 and self.converged_step is None:
                self.converged_step = self.steps
            self.pos = self.mistakes_now = 0
        return metrics

    def claim_met(self) -> bool:
        return self.converged_step is not None

    def done(self) -> bool:
        # a clean pass means every point is already right, so no rule update can ever fire
        return self.claim_met()

    def command(self, name, value) -> None:
        if name == "lr":
            self.lr = positive_real(value, "lr")
        else:
            raise UnknownCommand(name)

    def snapshot(self) -> dict:
        return {
            "points": self.points_np,
            "labels": self.labels_np,
            "w": self.w.tolist(),
            "b": self.b.item(),
            "current": self.current,
            "mistake": self.mistake,
            "epoch": len(self.epoch_mistakes),
            "epoch_mistakes": list(self.epoch_mistakes),
            "steps": self.steps,
            "converged_step": self.converged_step,
        }
