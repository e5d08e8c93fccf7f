"""McCulloch & Pitts (1943): all-or-none threshold units, wired by hand into logic.

Nothing here learns. A unit fires (1) when the weighted sum of its 0/1 inputs reaches its
threshold, and stays silent (0) otherwise. Pick the weights and thresholds well and a
two-layer net computes XOR, which no single unit can.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

from museum.lab.api import Lab, UnknownCommand


@dataclass(frozen=True)
class Unit:
    weights: tuple[int, ...]
    threshold: int


@dataclass
class McCullochPittsConfig:
    # single gates, shown side by side
    AND: Unit = Unit((1, 1), 2)
    OR: Unit = Unit((1, 1), 1)
    NOT: Unit = Unit((-1,), 0)  # of x1 alone: an inhibitory input, silent by default
    # the XOR net: each hidden unit detects one of the two "exactly one on" rows
    h1: Unit = Unit((1, -1), 1)  # x1 AND NOT x2
    h2: Unit = Unit((-1, 1), 1)  # NOT x1 AND x2
    out: Unit = Unit((1, 1), 1)  # h1 OR h2


def fire(name: str, unit: Unit, inputs: list[int]) -> dict:
    """One threshold unit, with everything a visitor might want to see about it."""
    total = sum(w * x for w, x in zip(unit.weights, inputs, strict=True))
    return {
        "name": name,
        "weights": list(unit.weights),
        "threshold": unit.threshold,
        "inputs": list(inputs),
        "sum": total,
        "output": int(total >= unit.threshold),
    }


def bit(value, what: str) -> int:
    # bool is an Integral too, and True/False are honest bits
    if isinstance(value, Integral) and value in (0, 1):
        return int(value)
    raise ValueError(f"{what} must be 0 or 1, got {value!r}")


class McCullochPittsLab(Lab):
    trains = False  # nothing to learn: the claim is a property of the wiring, checked once

    def __init__(self, seed: int = 0, device: str = "cpu", **params):
        super().__init__(seed, device, **params)
        self.cfg = McCullochPittsConfig(**params)
        self.inputs = [0, 0]  # [x1, x2]

    @property
    def row(self) -> int:
        # truth-table order: 00, 01, 10, 11
        return 2 * self.inputs[0] + self.inputs[1]

    def net(self, x1: int, x2: int) -> tuple[list[dict], dict]:
        c = self.cfg
        hidden = [fire("h1", c.h1, [x1, x2]), fire("h2", c.h2, [x1, x2])]
        out = fire("out", c.out, [h["output"] for h in hidden])
        return hidden, out

    def step(self) -> dict[str, float]:
        r = (self.row + 1) % 4
        self.inputs = [r >> 1, r & 1]
        _, out = self.net(*self.inputs)
        return {"row": float(r), "xor_out": float(out["output"])}

    def command(self, name, value) -> None:
        if name == "toggle":
            i = bit(value, "toggle index")
            self.inputs[i] ^= 1
        elif name == "set":
            if not isinstance(value, (list, tuple)) or len(value) != 2:
                raise ValueError(f"set needs two bits [x1, x2], got {value!r}")
            self.inputs = [bit(value[0], "x1"), bit(value[1], "x2")]
        else:
            raise UnknownCommand(name)

    def truth_table(self) -> list[list[int]]:
        rows = []
        for x1 in (0, 1):
            for x2 in (0, 1):
                _, out = self.net(x1, x2)
                rows.append([x1, x2, out["output"], x1 ^ x2])
        return rows

    def claim_met(self) -> bool:
        return all(net_out == want for _, _, net_out, want in self.truth_table())

    def snapshot(self) -> dict:
        x1, x2 = self.inputs
        c = self.cfg
        hidden, out = self.net(x1, x2)
        return {
            "inputs": [x1, x2],
            "gates": [
                fire("AND", c.AND, [x1, x2]),
                fire("OR", c.OR, [x1, x2]),
                fire("NOT", c.NOT, [x1]),
            ],
            "hidden": hidden,
            "output": out,
            "truth_table": self.truth_table(),
            "row": self.row,
        }
