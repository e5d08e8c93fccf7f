"""A restricted Boltzmann machine learns bars-and-stripes by contrastive divergence, then dreams.

Smolensky's harmonium (1986), trained the way Hinton (2002) proposed: CD-1. The data are the
30 distinct 4x4 bars-and-stripes images (every column on or off, or every row on or off; the
blank and the full image are both, so they are counted once). The RBM has 16 visible units
(one per pixel) and 32 hidden units, and no connections within a layer, so each layer can be
sampled in one go given the other: that is what makes the Gibbs chain v -> h -> v cheap.

One lab step = ``updates_per_step`` CD-1 updates, each on all 30 patterns, plus one Gibbs step
of the few "dream" chains the visitor watches. After ``train_steps`` steps learning stops and the
steps only advance the dreams.

The claim is checked on fresh samples, never on the training data: every ``check_every`` steps
100 new chains start from uniform random pixels (a sampling generator seeded from the lab seed,
the same at every check, so only the model changes between checks) and run ``check_gibbs``
Gibbs steps; a sample counts as valid only if its binary pixels are exactly one of the 30
patterns. The claim holds once ``streak_needed`` checks in a row pass (at least 90 of 100 valid,
of at least 10 different patterns): one lucky draw near the line is not enough, and a sampler
that only ever dreams one pattern does not pass. Because 16 pixels have only 65,536 states,
each check also computes the model's exact distribution by enumeration (free energies, no
sampling): the probability it gives to valid patterns and how that is shared among them.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from museum.lab.api import Lab, UnknownCommand

SIDE = 4
PIXELS = SIDE * SIDE


@dataclass
class RBMConfig:
    hidden: int = 32  # hidden units; 16 visible units are fixed by the 4x4 grid
    lr: float = 0.1
    momentum: float = 0.9
    init_std: float = 0.01  # small random weights, as in Hinton's practical guide
    updates_per_step: int = 10  # CD-1 updates per lab step, each on the whole set of 30
    train_steps: int = 300  # lab steps that learn; later steps only dream
    check_every: int = 5  # lab steps between claim checks
    check_chains: int = 100  # fresh samples per check
    check_gibbs: int = 100  # Gibbs steps each fresh chain runs before it is counted
    valid_needed: int = 90  # of check_chains
    kinds_needed: int = 10  # distinct patterns among the valid samples (no single-pattern dream)
    streak_needed: int = 3  # passing checks in a row: one lucky draw near 90 is not enough
    dream_chains: int = 8  # chains shown to the visitor
    dream_len: int = 15  # Gibbs steps before the shown chains restart from noise
    filters: int = 14  # hidden units whose weights the snapshot carries


def make_patterns() -> tuple[torch.Tensor, list[str]]:
    """The 30 distinct 4x4 bars-and-stripes images, blank and full first.

    Returns (30, 16) float32 pixels and each pattern's kind: blank, full, bars (every column
    constant, i.e. vertical bars) or stripes (every row constant).
    """
    codes = torch.arange(2**SIDE)
    bits = ((codes[:, None] >> torch.arange(SIDE - 1, -1, -1)) & 1).float()  # (16, 4)
    bars = bits[:, None, :].expand(-1, SIDE, -1)  # (16, 4, 4): row r, column c = bits[c]
    stripes = bits[:, :, None].expand(-1, -1, SIDE)  # (16, 4, 4): row r, column c = bits[r]
    middle = slice(1, 2**SIDE - 1)  # codes 0 (blank) and 15 (full) are in both families
    images = torch.cat([bars[:1], bars[-1:], bars[middle], stripes[middle]])  # (30, 4, 4)
    kinds = ["blank", "full"] + ["bars"] * 14 + ["stripes"] * 14
    return images.reshape(-1, PIXELS).contiguous(), kinds


def sample(p: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Binary units on with probability p: the same draws as torch.bernoulli, about twice as
    fast here."""
    return (torch.rand(p.shape, generator=gen, device=p.device) < p).float()


def is_valid(v: torch.Tensor) -> torch.Tensor:
    """(n, 16) binary -> (n,) bool: every row equals the first (bars) or every column does.

    The structural definition; the lab counts with a lookup table built from make_patterns(),
    and the tests check that the two agree on all 65,536 images.
    """
    x = v.reshape(-1, SIDE, SIDE)
    bars = (x == x[:, :1, :]).all(dim=2).all(dim=1)
    stripes = (x == x[:, :, :1]).all(dim=2).all(dim=1)
    return bars | stripes


class RBMLab(Lab):
    def __init__(self, seed: int = 0, device: str = "cpu", **params):
        super().__init__(seed, device, **params)
        self.cfg = cfg = RBMConfig(**params)
        if min(cfg.hidden, cfg.updates_per_step, cfg.check_every, cfg.check_chains,
               cfg.dream_chains, cfg.dream_len) < 1:
            raise ValueError("sizes and counts in the config must be positive")
        self.data, self.kinds = make_patterns()  # (30, 16), 30 kinds
        self.data = self.data.to(device)
        # code of a binary image (pixel 0 is the top bit) -> its pattern index, or -1
        self.powers = 2 ** torch.arange(PIXELS - 1, -1, -1, device=device)  # (16,) int64
        self.lookup = torch.full((2**PIXELS,), -1, dtype=torch.long, device=device)  # (65536,)
        self.data_codes = (self.data.long() * self.powers).sum(1)  # (30,)
        self.lookup[self.data_codes] = torch.arange(30, device=device)
        # every visible state, for the exact distribution (65,536 x 16, 4 MB)
        codes = torch.arange(2**PIXELS, device=device)
        self.every_v = ((codes[:, None] >> torch.arange(PIXELS - 1, -1, -1, device=device)) & 1
                        ).float()

        self.gen = torch.Generator(device=device).manual_seed(seed)  # training noise
        # the dreams have their own generator: restarting them (key d) never changes learning
        self.dream_gen = torch.Generator(device=device).manual_seed(seed * 7919 + 1)
        # the checks' sampling seed: fixed for the run, derived from the lab seed
        self.check_seed = seed * 104729 + 17

        self.W = torch.randn(PIXELS, cfg.hidden, generator=self.gen, device=device) * cfg.init_std
        self.a = torch.zeros(PIXELS, device=device)  # (16,) visible biases: log(0.5/0.5)
        self.b = torch.zeros(cfg.hidden, device=device)  # (H,) hidden biases
        self.vW, self.va, self.vb = (torch.zeros_like(t) for t in (self.W, self.a, self.b))

        self.steps = 0
        self.updates = 0
        self.recon = self.recon_error()
        self.met = False
        self.streak = 0  # passing checks in a row
        self.history: list[int] = []  # valid count at every check, for the view
        self.first_met: int | None = None
        self.restart_dreams()
        self.check = self.run_check()  # the untrained model, checked the same way

    # -- the model ------------------------------------------------------------------------
    def p_h(self, v: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(torch.addmm(self.b, v, self.W))  # (n, 16) -> (n, H)

    def p_v(self, h: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(torch.addmm(self.a, h, self.W.T))  # (n, H) -> (n, 16)

    def gibbs(self, v: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        """One full Gibbs step v -> h -> v, binary states both ways."""
        h = sample(self.p_h(v), gen)
        return sample(self.p_v(h), gen)

    def recon_error(self) -> float:
        """Mean squared error of the mean-field reconstruction p(v | p(h | data)), per pixel."""
        return float(((self.data - self.p_v(self.p_h(self.data))) ** 2).mean())

    def cd1(self) -> None:
        """One CD-1 update on all 30 patterns."""
        cfg, v0 = self.cfg, self.data  # (30, 16)
        ph0 = self.p_h(v0)  # (30, H) positive phase: hidden probabilities given the data
        h0 = sample(ph0, self.gen)  # binary, so the hidden layer is a bottleneck
        pv1 = self.p_v(h0)  # (30, 16) the reconstruction
        v1 = sample(pv1, self.gen)
        ph1 = self.p_h(v1)  # (30, H) negative phase after one step, not at equilibrium
        n = v0.shape[0]
        # <v h>_data - <v h>_1-step: the contrastive divergence gradient
        self.vW = cfg.momentum * self.vW + cfg.lr * (v0.T @ ph0 - v1.T @ ph1) / n
        self.va = cfg.momentum * self.va + cfg.lr * (v0 - v1).mean(0)
        self.vb = cfg.momentum * self.vb + cfg.lr * (ph0 - ph1).mean(0)
        self.W += self.vW
        self.a += self.va
        self.b += self.vb

    def learning(self) -> bool:
        return self.steps < self.cfg.train_steps

    # -- the claim's check ----------------------------------------------------------------
    def pattern_index(self, v: torch.Tensor) -> torch.Tensor:
        """(n, 16) binary -> (n,) index into the 30 patterns, -1 if not a pattern."""
        return self.lookup[(v.long() * self.powers).sum(1)]

    def exact(self) -> torch.Tensor:
        """The model's exact probability of each of the 30 patterns: (30,) float64.

        p(v) is proportional to exp(-F(v)), F(v) = -a.v - sum_j softplus(b_j + v.W_j);
        the normaliser sums exp(-F) over all 65,536 visible states.
        """
        # float32 for the 65,536 x H products (a few ms), float64 for the normaliser
        neg_f = (self.every_v @ self.a + torch.nn.functional.softplus(
            torch.addmm(self.b, self.every_v, self.W)).sum(1)).double()  # (65536,)
        log_p = neg_f - torch.logsumexp(neg_f, 0)
        return log_p.exp()[self.data_codes]

    def run_check(self) -> dict:
        cfg = self.cfg
        gen = torch.Generator(device=self.device).manual_seed(self.check_seed)
        v = sample(  # (100, 16) uniform random pixels
            torch.full((cfg.check_chains, PIXELS), 0.5, device=self.device), gen)
        for _ in range(cfg.check_gibbs):
            v = self.gibbs(v, gen)
        index = self.pattern_index(v)  # (100,)
        counts = torch.bincount(index[index >= 0], minlength=30)  # (30,)
        valid = int((index >= 0).sum())
        kinds = int((counts > 0).sum())
        probs = self.exact()
        ok = valid >= cfg.valid_needed and kinds >= cfg.kinds_needed
        self.streak = self.streak + 1 if ok else 0
        if self.streak >= cfg.streak_needed and not self.met:
            self.met, self.first_met = True, self.steps
        self.history.append(valid)
        return {
            "step": self.steps,
            "valid": valid,
            "kinds": kinds,
            "n": cfg.check_chains,
            "gibbs": cfg.check_gibbs,
            "ok": ok,
            "counts": counts.tolist(),
            "exact_valid": float(probs.sum()),
            "exact_probs": probs.tolist(),
            "samples": v.cpu().numpy().astype("uint8"),  # (100, 16) what was counted
        }

    # -- the dreams the visitor watches -------------------------------------------------------
    def restart_dreams(self) -> None:
        self.dream = sample(  # (C, 16) fresh noise
            torch.full((self.cfg.dream_chains, PIXELS), 0.5, device=self.device),
            self.dream_gen)
        self.dream_step = 0

    # -- the Lab contract ---------------------------------------------------------------------
    def step(self) -> dict[str, float]:
        cfg = self.cfg
        if self.learning():
            for _ in range(cfg.updates_per_step):
                self.cd1()
            self.recon = self.recon_error()
            self.updates += cfg.updates_per_step
        if self.dream_step >= cfg.dream_len:
            self.restart_dreams()
        else:
            self.dream = self.gibbs(self.dream, self.dream_gen)
            self.dream_step += 1
        self.steps += 1
        if self.steps <= cfg.train_steps and self.steps % cfg.check_every == 0:
            self.check = self.run_check()
        elif self.steps == cfg.train_steps:
            self.check = self.run_check()  # the final model is always checked
        return {
            "recon_error": self.recon,
            "valid_share": self.check["valid"] / self.check["n"],
        }

    def claim_met(self) -> bool:
        return self.met

    def done(self) -> bool:
        return False  # the dreams go on after learning stops

    def command(self, name, value) -> None:
        if name == "dream":  # start the shown chains again from noise; the value is not used
            self.restart_dreams()
            return
        raise UnknownCommand(name)

    def snapshot(self) -> dict:
        cfg = self.cfg
        index = self.pattern_index(self.dream).tolist()
        n = min(cfg.filters, cfg.hidden)
        filters = self.W[:, :n].T.reshape(n, SIDE, SIDE)  # (n, 4, 4) one hidden unit each
        check = dict(self.check)
        check["samples"] = check["samples"].copy()
        return {
            "side": SIDE,
            "dreams": self.dream.cpu().numpy().reshape(-1, SIDE, SIDE).copy(),  # (C, 4, 4)
            "dream_kinds": [self.kinds[i] if i >= 0 else "" for i in index],
            "dream_step": self.dream_step,
            "dream_len": cfg.dream_len,
            "filters": filters.cpu().numpy().copy(),
            "hidden": cfg.hidden,
            "kinds": list(self.kinds),
            "check": check,
            "valid_needed": cfg.valid_needed,
            "kinds_needed": cfg.kinds_needed,
            "first_met": self.first_met,
            "streak": self.streak,
            "streak_needed": cfg.streak_needed,
            "history": self.history[-12:],
            "updates": self.updates,
            "train_updates": cfg.train_steps * cfg.updates_per_step,
            "learning": self.learning(),
            "recon_error": self.recon,
            "steps": self.steps,
        }
