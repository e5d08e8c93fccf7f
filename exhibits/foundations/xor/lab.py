"""Minsky & Papert (1969): the perceptron rule on XOR goes round in circles.

No line puts (0,1) and (1,0) on one side and (0,0) and (1,1) on the other, so every epoch
makes a mistake and the weights never settle. With integer weights, lr 1 and the same
visiting order every epoch, the run is a deterministic map on a finite set of states
(the perceptron cycling theorem keeps the weights bounded): it must revisit a state, and
from then on it repeats the same loop forever. Seeing one repeat is a proof of the cycle.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import torch

from museum.lab.api import Lab, UnknownCommand


@dataclass
class XorConfig:
    init_range: int = 2  # initial w1, w2, b drawn uniformly from -init_range..init_range
    history: int = 200  # completed epochs whose mistake counts we keep
    trail: int = 64  # states kept for drawing: at epoch boundaries, and after each step


class XorLab(Lab):
    def __init__(self, seed: int = 0, device: str = "cpu", **params):
        super().__init__(seed, device, **params)
        self.cfg = XorConfig(**params)
        g = torch.Generator().manual_seed(seed)
        self.x = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], device=device)  # (4, 2) int64
        self.y = torch.tensor([-1, 1, 1, -1], device=device)  # (4,) XOR as +-1
        # drawn once: a fixed order makes each epoch the same map, so a repeat is a cycle
        self.order = torch.randperm(4, generator=g).tolist()
        r = self.cfg.init_range
        wb = torch.randint(-r, r + 1, (3,), generator=g).to(device)  # (3,) int64
        self.w, self.b = wb[:2].clone(), wb[2].clone()  # (2,), ()

        self.steps = 0
        self.epoch = 0  # completed epochs
        self.pos = 0
        self.current = -1
        self.mistake = False
        self.mistakes_now = 0
        self.clean_epochs = 0  # epochs with no mistake: impossible on XOR, but counted anyway
        self.epoch_mistakes: deque[int] = deque(maxlen=self.cfg.history)
        self.trajectory: deque[list[int]] = deque(maxlen=self.cfg.trail)  # epoch boundaries
        # an epoch of four mistakes adds sum(y * x) = 0 to (w, b), so on XOR the boundary
        # states often stand still; the loop itself is then visible only step by step
        self.path: deque[list[int]] = deque([list(self.state())], maxlen=self.cfg.trail)
        # every state seen at an epoch boundary -> the first epoch it was seen at. Once the
        # cycle is entered nothing new is added, so this stays small.
        self.seen: dict[tuple[int, int, int], int] = {}
        self.cycle: dict | None = None
        self.cycle_step: int | None = None
        self.boundary()

    def state(self) -> tuple[int, int, int]:
        w1, w2 = self.w.tolist()
        return (w1, w2, self.b.item())

    def boundary(self) -> None:
        s = self.state()
        self.trajectory.append(list(s))
        if s in self.seen:
            if self.cycle is None:
                start = self.seen[s]
                self.cycle = {"start_epoch": start, "length": self.epoch - start, "state": list(s)}
                self.cycle_step = self.steps
        else:
            self.seen[s] = self.epoch

    def errors(self) -> int:
        return int(((self.x @ self.w + self.b) * self.y <= 0).sum())

    def step(self) -> dict[str, float]:
        i = self.order[self.pos]
        x, y = self.x[i], self.y[i]  # (2,), ()
        self.mistake = bool(y * (self.w @ x + self.b) <= 0)  # sign(0) counts as wrong
        if self.mistake:
            self.w += y * x
            self.b += y
            self.mistakes_now += 1
        self.current = i
        self.steps += 1
        self.path.append(list(self.state()))
        metrics = {"errors": float(self.errors()), "epoch_mistakes": float(self.mistakes_now)}
        self.pos += 1
        if self.pos == 4:  # epoch over
            self.epoch += 1
            self.epoch_mistakes.append(self.mistakes_now)
            self.clean_epochs += self.mistakes_now == 0
            self.pos = self.mistakes_now = 0
            self.boundary()
        return metrics

    def claim_met(self) -> bool:
        return self.cycle is not None and self.clean_epochs == 0

    def done(self) -> bool:
        return False  # it never settles; that is the exhibit

    def command(self, name, value) -> None:
        raise UnknownCommand(name)

    def snapshot(self) -> dict:
        cycle = self.cycle and {**self.cycle, "state": list(self.cycle["state"])}  # a copy
        return {
            "points": self.x.cpu().numpy().astype(float),
            "labels": self.y.cpu().numpy().copy(),
            "w": self.w.tolist(),
            "b": self.b.item(),
            "current": self.current,
            "mistake": self.mistake,
            "epoch": self.epoch,
            "epoch_mistakes": list(self.epoch_mistakes),
            "trajectory": [list(s) for s in self.trajectory],
            "path": [list(s) for s in self.path],
            "cycle": cycle,
            "steps": self.steps,
        }
