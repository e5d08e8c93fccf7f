"""Tiny labs for testing the runner and the screens: no torch, exact arithmetic."""

from museum.lab.api import Lab, UnknownCommand


class CounterLab(Lab):
    """Counts; its claim is met at step 5. ``lr`` scales the loss; a huge one diverges."""

    def __init__(self, seed=0, device="cpu", **params):
        super().__init__(seed, device, **params)
        self.n = 0
        self.lr = float(params.get("lr", 1.0))
        self.label = ""

    def step(self):
        self.n += 1
        loss = 1.0 / self.n if self.lr < 1e6 else float("nan")
        return {"loss": loss, "n": float(self.n)}

    def snapshot(self):
        return {"n": self.n, "seed": self.seed, "label": self.label}

    def command(self, name, value):
        if name == "lr":
            self.lr = float(value)
        elif name == "label":
            if not isinstance(value, str):
                raise ValueError("label must be text")
            self.label = value
        else:
            raise UnknownCommand(name)

    def claim_met(self):
        return self.n >= 5


class FinishingLab(CounterLab):
    def done(self):
        return self.n >= 3


class BrokenLab(CounterLab):
    def step(self):
        raise RuntimeError("the lab broke")
