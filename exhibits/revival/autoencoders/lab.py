"""Greedy layer-wise pretraining (Hinton 2006; Bengio, Lamblin, Popovici & Larochelle 2007).

Three copies of one deep sigmoid net, 64-100-100-100-10, learn the 8×8 UCI digits with plain
SGD, side by side:

  pretrained  starts from small random weights N(0, 0.01), then trains each hidden layer as an
              autoencoder on the layer below (no labels), one layer at a time, then fine-tunes
              the whole net on the labels;
  small       the very same starting weights, fine-tuned on the labels with no pretraining;
  scaled      a modern start: Glorot/Xavier uniform, ×4 for the sigmoid layers, no pretraining.

One step is one minibatch for each arm in its current phase. While the pretrained arm learns
its autoencoders, the other two wait, so all three are compared after the same number of
labelled (fine-tuning) steps; the pretrained arm has had its unlabelled steps on top.

Why the small start fails: every sigmoid layer multiplies the backward signal by at most
0.25 × |W|, and with weights of size 0.01 that shrinks it ~40× per layer, so the first layers
hardly move and the top layer sees nearly the same input for every digit. Pretraining puts
the weights where each layer already codes its input; a larger, fan-scaled start keeps the
signal alive without it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral

import numpy as np
import torch
import torch.nn.functional as F

from museum.lab.api import Lab, UnknownCommand
from museum.lab.assets import load_digits

ARMS = ("pretrained", "small", "scaled")
N_TRAIN = 1437  # the usual 1,437 / 360 split of the 1,797 digits
SPLIT_SEED = 1797  # the split is fixed: every seed sees the same held-out digits


@dataclass
class AutoencodersConfig:
    hidden: tuple = (100, 100, 100)
    batch: int = 32
    pretrain_steps: int = 300  # minibatches per autoencoder (per hidden layer)
    ae_lr: float = 0.5  # on the reconstruction cross-entropy summed over a digit's inputs
    lr: float = 0.1  # fine-tuning, the same for all three arms
    finetune_steps: int = 3000  # labelled minibatches; then the run is done
    eval_every: int = 50  # steps between held-out evaluations (no_grad, all 360 digits)
    small_std: float = 0.01  # the 2006-style start: N(0, small_std)
    init_gain: float = 4.0  # Glorot & Bengio's ×4 for sigmoid layers
    high: float = 0.90  # "trained": held-out accuracy at least this
    chance_max: float = 0.20  # "near chance" (ten classes: chance is 0.10)
    shown: int = 4  # held-out digits drawn beside their reconstructions


@lru_cache(maxsize=1)
def split_indices() -> tuple[np.ndarray, np.ndarray]:
    """A fixed, seed-independent permutation: the first 1,437 train, the other 360 held out."""
    images, _ = load_digits()
    perm = np.random.RandomState(SPLIT_SEED).permutation(len(images))
    return perm[:N_TRAIN], perm[N_TRAIN:]


def digits_tensors():
    """(x_train (1437, 64), y_train (1437,), x_test (360, 64), y_test (360,)); pixels in [0, 1]."""
    images, labels = load_digits()
    train, test = split_indices()
    x = torch.tensor(images.reshape(len(images), 64), dtype=torch.float32) / 16.0  # (1797, 64)
    y = torch.tensor(labels.astype(np.int64))  # (1797,)
    return x[train], y[train], x[test], y[test]


def init_weights(sizes, kind: str, cfg: AutoencodersConfig, g: torch.Generator):
    """Weights (in, out) and zero biases for every layer, drawn from g."""
    weights, biases = [], []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        if kind == "small":
            w = torch.randn(n_in, n_out, generator=g) * cfg.small_std
        else:  # Glorot uniform; ×gain for the sigmoid layers, plain for the softmax layer
            gain = cfg.init_gain if i < len(sizes) - 2 else 1.0
            r = gain * math.sqrt(6.0 / (n_in + n_out))
            w = (torch.rand(n_in, n_out, generator=g) * 2 - 1) * r
        weights.append(w)
        biases.append(torch.zeros(n_out))
    return weights, biases


class Net:
    """A sigmoid MLP as plain tensors: weights[i] (in, out), biases[i] (out,)."""

    def __init__(self, weights, biases):
        self.weights = [w.clone().requires_grad_() for w in weights]
        self.biases = [b.clone().requires_grad_() for b in biases]

    @property
    def params(self):
        return self.weights + self.biases

    def hidden(self, x, depth: int):
        """Sigmoid codes after `depth` hidden layers: (n, 64) -> (n, sizes[depth])."""
        h = x
        for w, b in zip(self.weights[:depth], self.biases[:depth], strict=True):
            h = torch.sigmoid(h @ w + b)
        return h

    def logits(self, x):  # (n, 64) -> (n, 10)
        h = self.hidden(x, len(self.weights) - 1)
        return h @ self.weights[-1] + self.biases[-1]

    def sgd(self, loss, params, lr: float) -> None:
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, grad in zip(params, grads, strict=True):
                p -= lr * grad


def positive_int(value, what: str, low: int = 1) -> int:
    if isinstance(value, Integral) and not isinstance(value, bool) and value >= low:
        return int(value)
    raise ValueError(f"{what} must be an integer ≥ {low}, got {value!r}")


def non_negative(value, what: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and value >= 0:
            return float(value)
    raise ValueError(f"{what} must be a finite number ≥ 0, got {value!r}")


class AutoencodersLab(Lab):
    def __init__(self, seed: int = 0, device: str = "cpu", **params):
        super().__init__(seed, device, **params)
        cfg = self.cfg = AutoencodersConfig(**params)
        cfg.hidden = tuple(positive_int(h, "hidden size") for h in cfg.hidden)
        if not cfg.hidden:
            raise ValueError("hidden needs at least one layer")
        positive_int(cfg.batch, "batch")
        positive_int(cfg.pretrain_steps, "pretrain_steps", low=0)
        positive_int(cfg.finetune_steps, "finetune_steps")
        positive_int(cfg.eval_every, "eval_every")
        positive_int(cfg.shown, "shown")
        for name in ("ae_lr", "lr", "small_std", "init_gain"):
            non_negative(getattr(cfg, name), name)

        self.x_train, self.y_train, self.x_test, self.y_test = (
            t.to(device) for t in digits_tensors()
        )
        self.sizes = (64, *cfg.hidden, 10)
        self.depth = len(cfg.hidden)
        g = torch.Generator().manual_seed(seed)
        small = init_weights(self.sizes, "small", cfg, g)
        scaled = init_weights(self.sizes, "scaled", cfg, g)
        small = [[t.to(device) for t in ts] for ts in small]
        scaled = [[t.to(device) for t in ts] for ts in scaled]
        # the pretrained arm and the small arm start from the very same weights
        self.nets = {"pretrained": Net(*small), "small": Net(*small), "scaled": Net(*scaled)}
        # decoder biases of the tied-weight autoencoders: layer k decodes with weights[k].T
        self.dec_biases = [torch.zeros(n, device=device, requires_grad=True)
                           for n in self.sizes[: self.depth]]
        # minibatch draws: one stream for the autoencoders, one for the labelled steps, so the
        # labelled minibatches (shared by the arms) do not depend on how A was pretrained
        self.ae_g = torch.Generator().manual_seed(seed + 10_000)
        self.label_g = torch.Generator().manual_seed(seed + 20_000)
        self.frozen: list | None = None  # the stack's encoders as pretraining left them

        self.steps = 0
        self.sample = 0  # first held-out digit drawn
        self.last_loss = {arm: math.nan for arm in ARMS}
        self.ae_loss = math.nan
        self.layer_errors: list[float | None] = [None] * self.depth  # pixel MSE per depth
        self.acc = {arm: 0.0 for arm in ARMS}
        self.evals: dict[str, list] = {"step": [], "ft_step": [], **{a: [] for a in ARMS}}
        self.first_high: dict[str, int | None] = {arm: None for arm in ARMS}
        self.claim_step: int | None = None
        self.claim_ft_step: int | None = None
        self.recon_error = 0.0
        self.evaluate()

    # -- schedule -------------------------------------------------------------------------
    @property
    def pretrain_total(self) -> int:
        return self.cfg.pretrain_steps * self.depth

    @property
    def ft_step(self) -> int:
        return max(0, self.steps - self.pretrain_total)

    def layer_at(self, step: int) -> int | None:
        """The hidden layer (0-based) pretrained at 1-based `step`, or None when fine-tuning."""
        if step > self.pretrain_total:
            return None
        return (step - 1) // self.cfg.pretrain_steps

    def current_layer(self) -> int | None:
        """The hidden layer (0-based) the next step pretrains; None once fine-tuning."""
        return self.layer_at(self.steps + 1) if self.steps < self.pretrain_total else None

    def phase(self) -> str:
        if self.ft_step >= self.cfg.finetune_steps:
            return "done"
        return "pretrain" if self.steps < self.pretrain_total else "finetune"

    def batch(self, g: torch.Generator):
        idx = torch.randint(0, len(self.y_train), (self.cfg.batch,), generator=g)
        idx = idx.to(self.device)
        return self.x_train[idx], self.y_train[idx]  # (B, 64), (B,)

    # -- training -------------------------------------------------------------------------
    def ae_step(self, k: int) -> float:
        """One minibatch for autoencoder k: code the layer below, decode with the transpose."""
        net, c = self.nets["pretrained"], self.dec_biases[k]
        x, _ = self.batch(self.ae_g)
        with torch.no_grad():
            inp = net.hidden(x, k)  # (B, n_k): the frozen layers below give layer k its data
        w, b = net.weights[k], net.biases[k]
        code = torch.sigmoid(inp @ w + b)  # (B, n_{k+1})
        recon_logits = code @ w.T + c  # (B, n_k), tied weights
        # cross-entropy of the reconstruction, summed over a digit's inputs, mean over the batch
        loss = F.binary_cross_entropy_with_logits(recon_logits, inp, reduction="sum") / len(x)
        net.sgd(loss, [w, b, c], self.cfg.ae_lr)
        return loss.item()

    def finetune_step(self) -> None:
        x, y = self.batch(self.label_g)  # the same minibatch for every arm
        for arm, net in self.nets.items():
            loss = F.cross_entropy(net.logits(x), y)
            net.sgd(loss, net.params, self.cfg.lr)
            self.last_loss[arm] = loss.item()

    def step(self) -> dict[str, float]:
        if self.phase() == "done":  # nothing left to train: the run stands still
            return self.metrics()
        self.steps += 1
        k = self.layer_at(self.steps)
        if k is not None:
            self.ae_loss = self.ae_step(k)
            if self.steps % self.cfg.pretrain_steps == 0:  # layer k is finished
                self.layer_errors[k] = self.pixel_error(self.nets["pretrained"].weights,
                                                        self.nets["pretrained"].biases, k + 1)
            if self.steps == self.pretrain_total:
                self.freeze()
        else:
            self.finetune_step()
        if self.steps % self.cfg.eval_every == 0 or self.phase() == "done":
            self.evaluate()
        return self.metrics()

    def freeze(self) -> None:
        net = self.nets["pretrained"]
        self.frozen = [[w.detach().clone() for w in net.weights[: self.depth]],
                       [b.detach().clone() for b in net.biases[: self.depth]]]

    # -- measuring ------------------------------------------------------------------------
    @torch.no_grad()
    def reconstruct(self, x, weights, biases, depth: int):
        """Encode through `depth` layers, decode back down with the transposes: (n,64)->(n,64)."""
        h = x
        for w, b in zip(weights[:depth], biases[:depth], strict=True):
            h = torch.sigmoid(h @ w + b)
        for k in reversed(range(depth)):
            h = torch.sigmoid(h @ weights[k].T + self.dec_biases[k])
        return h

    def pixel_error(self, weights, biases, depth: int) -> float:
        """Held-out mean squared pixel error of the stack's reconstruction (pixels in 0..1)."""
        r = self.reconstruct(self.x_test, weights, biases, depth)
        return float(((r - self.x_test) ** 2).mean())

    @torch.no_grad()
    def evaluate(self) -> None:
        ft = self.ft_step
        for arm, net in self.nets.items():
            pred = net.logits(self.x_test).argmax(1)  # (360,)
            self.acc[arm] = float((pred == self.y_test).float().mean())
            if ft > 0 and self.first_high[arm] is None and self.acc[arm] >= self.cfg.high:
                self.first_high[arm] = ft
        for key, value in (("step", self.steps), ("ft_step", ft)):
            self.evals[key].append(value)
        for arm in ARMS:
            self.evals[arm].append(self.acc[arm])
        weights, biases, depth = self.recon_source()
        self.recon_error = self.pixel_error(weights, biases, depth) if depth else 0.0
        # the claim: after the same number of labelled steps, in this one evaluation
        if self.claim_step is None and ft > 0:
            a, s, m = self.acc["pretrained"], self.acc["small"], self.acc["scaled"]
            if a >= self.cfg.high and s <= self.cfg.chance_max and m >= self.cfg.high:
                self.claim_step, self.claim_ft_step = self.steps, ft

    def recon_source(self):
        """Which encoders draw the reconstructions: the live stack while pretraining, then
        the stack as pretraining left it (fine-tuning does not train the decoders)."""
        if self.frozen is not None:
            return self.frozen[0], self.frozen[1], self.depth
        k = self.current_layer()
        net = self.nets["pretrained"]
        return net.weights, net.biases, 0 if k is None else k + 1

    def metrics(self) -> dict[str, float]:
        k = self.current_layer()
        return {
            "acc_pretrained": self.acc["pretrained"],
            "acc_small": self.acc["small"],
            "acc_scaled": self.acc["scaled"],
            "recon_error": self.recon_error,
            # 1..depth: pretraining that layer; depth + 1: fine-tuning
            "phase": float(self.depth + 1 if k is None else k + 1),
        }

    def claim_met(self) -> bool:
        return self.claim_step is not None

    def done(self) -> bool:
        return self.phase() == "done"

    def command(self, name, value) -> None:
        if name != "sample":
            raise UnknownCommand(name)
        n = len(self.y_test)
        if not (isinstance(value, Integral) and not isinstance(value, bool) and 0 <= value < n):
            raise ValueError(f"sample must be a whole number from 0 to {n - 1}, got {value!r}")
        self.sample = int(value)

    @torch.no_grad()
    def snapshot(self) -> dict:
        n = len(self.y_test)
        idx = [(self.sample + i) % n for i in range(min(self.cfg.shown, n))]
        x = self.x_test[idx]  # (shown, 64)
        weights, biases, depth = self.recon_source()
        recon = self.reconstruct(x, weights, biases, depth) if depth else torch.zeros_like(x)
        k = self.current_layer()
        return {
            "phase": self.phase(),
            "layer": None if k is None else k + 1,
            "layers": self.depth,
            "steps": self.steps,
            "pretrain_steps": self.cfg.pretrain_steps,
            "pretrain_total": self.pretrain_total,
            "ft_step": self.ft_step,
            "finetune_steps": self.cfg.finetune_steps,
            "acc": dict(self.acc),
            "first_high": dict(self.first_high),
            "evals": {key: list(values) for key, values in self.evals.items()},
            "sample": self.sample,
            "digits": x.reshape(-1, 8, 8).cpu().numpy(),
            "recon": recon.reshape(-1, 8, 8).cpu().numpy(),
            "recon_depth": depth,
            "recon_error": self.recon_error,
            "layer_errors": list(self.layer_errors),
            "labels": self.y_test[idx].tolist(),
            "predictions": {
                arm: net.logits(x).argmax(1).tolist() for arm, net in self.nets.items()
            },
            "ae_loss": None if math.isnan(self.ae_loss) else self.ae_loss,
            "train_loss": {
                arm: None if math.isnan(v) else v for arm, v in self.last_loss.items()
            },
            "n_test": n,
            "claim_step": self.claim_step,
            "claim_ft_step": self.claim_ft_step,
            "high": self.cfg.high,
            "chance_max": self.cfg.chance_max,
            "ae_lr": self.cfg.ae_lr,
            "lr": self.cfg.lr,
        }
