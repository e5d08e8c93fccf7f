"""Vaswani et al. (2017), in miniature: heads that specialise, and the cost of attending.

A 2-layer Transformer (8 heads per layer, as in the paper's base model, but d_model 64
instead of 512) reads a word of 2–8 letters and must say, at every position, four things:
the letter at the mirrored position (reversal), the previous letter, the first letter and
the next letter. Each job needs attention on a different place, so heads divide the work.
Every few steps the model is checked on a fixed held-out batch: accuracy over all four
jobs, and for each job the best head's score (its mean attention on the needed position).

The race (recurrent vs self-attention timing) runs only when the visitor asks for it (key
m, or opening its panel): timings differ from run to run, so they stay out of the claim and
out of the snapshot until measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from exhibits.attention.transformer import race
from exhibits.attention.transformer.model import (
    JOBS,
    LETTERS,
    NONE,
    AdamW,
    TinyTransformer,
    head_scores,
    loss_of,
    make_batch,
    needed_positions,
    one_thread,
    targets,
    uniform_baseline,
)
from museum.lab.api import Lab, UnknownCommand


@dataclass
class TransformerConfig:
    min_len: int = 2  # words of 2..8 letters; a visitor's word is read up to max_len letters
    max_len: int = 8  # short enough for an 8×8 heatmap at 80×24
    d_model: int = 64
    heads: int = 8  # per layer, as in the base model; here each head has 64/8 = 8 dimensions
    layers: int = 2
    d_ff: int = 128
    lr: float = 3e-3  # AdamW
    batch: int = 128
    eval_every: int = 10  # steps between checks on the held-out batch
    eval_size: int = 256  # held-out words (a kind training never draws), drawn once
    train_steps: int = 800  # then the model is finished and the runner pauses
    accuracy_target: float = 0.95
    head_target: float = 0.9
    word: str = "networks"  # the input shown until the visitor types one


def read_word(text, max_len: int) -> tuple[str, int, bool]:
    """A visitor's text -> (letters a–z, how many characters were dropped, whether it was cut)."""
    if not isinstance(text, str):
        raise ValueError("type a word of letters a–z")
    letters = [c for c in text.lower() if c in LETTERS]
    dropped = sum(1 for c in text.lower() if c not in LETTERS)
    return "".join(letters[:max_len]), dropped, len(letters) > max_len


class TransformerLab(Lab):
    def __init__(self, seed: int = 0, device: str = "cpu", **params):
        super().__init__(seed, device, **params)
        cfg = self.cfg = TransformerConfig(**params)
        torch.manual_seed(seed)  # the model's initial weights
        self.g = torch.Generator().manual_seed(seed)  # training words
        self.model = TinyTransformer(cfg.max_len, cfg.d_model, cfg.heads, cfg.layers, cfg.d_ff)
        self.model.to(device)
        self.opt = AdamW(self.model.parameters(), lr=cfg.lr)
        # The held-out batch: its own generator, the same for every seed, so runs compare.
        held = torch.Generator().manual_seed(2017)
        x, lengths, mask = make_batch(held, cfg.eval_size, cfg.min_len, cfg.max_len,
                                      held_out=True)
        self.held = (x, lengths, mask, targets(x, lengths))
        self.need, self.exists = needed_positions(lengths, cfg.max_len)  # (4, n, T) each
        self.baseline = uniform_baseline(lengths, self.exists)
        self.steps = 0
        self.loss = float("nan")
        self.evaluation: dict = {}
        self.claim_step: int | None = None
        self.word, self.dropped, self.cut = cfg.word, 0, False
        self.refused = 0  # typed texts with fewer than min_len letters, left unread
        self.race: dict | None = None
        self._view_cache: tuple | None = None
        with one_thread():
            self.evaluate()

    # -- training ------------------------------------------------------------------------
    def step(self) -> dict[str, float]:
        with one_thread():
            return self._step()

    def _step(self) -> dict[str, float]:
        cfg = self.cfg
        if self.steps < cfg.train_steps:
            x, lengths, mask = make_batch(self.g, cfg.batch, cfg.min_len, cfg.max_len)
            y = targets(x, lengths)  # (4, batch, T)
            logits, _ = self.model(x.to(self.device), mask.to(self.device))
            loss = loss_of(logits, y.to(self.device))
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            self.loss = loss.item()
            self.steps += 1
            if self.steps % cfg.eval_every == 0 or self.steps == cfg.train_steps:
                self.evaluate()
        ev = self.evaluation
        return {"loss": self.loss, "accuracy": ev["accuracy"], "heads": min(ev["best_scores"])}

    @torch.no_grad()
    def evaluate(self) -> None:
        """Accuracy and head scores on the held-out batch; records the claim when first met."""
        x, lengths, mask, y = self.held
        self.model.eval()
        logits, att = self.model(x.to(self.device), mask.to(self.device))
        self.model.train()
        pred = logits.argmax(-1).cpu()  # (4, n, T)
        real = y != -100
        right = (pred == y) & real
        job_acc = (right.sum((1, 2)).double() / real.sum((1, 2)).double()).tolist()
        accuracy = float(right.sum()) / float(real.sum())
        scores = head_scores(att, self.need.to(self.device), self.exists.to(self.device))
        flat = scores.reshape(-1, len(JOBS))  # (layers*heads, 4)
        best = flat.argmax(0).tolist()  # the best head for each job
        self.evaluation = {
            "step": self.steps,
            "accuracy": accuracy,
            "job_accuracy": job_acc,
            "scores": scores.numpy().astype(float),  # (layers, heads, 4)
            "best_heads": [[b // self.cfg.heads, b % self.cfg.heads] for b in best],
            "best_scores": [float(flat[b, j]) for j, b in enumerate(best)],
        }
        if self.claim_step is None and self.met(self.evaluation):
            self.claim_step = self.steps

    def met(self, ev: dict) -> bool:
        return (ev["accuracy"] >= self.cfg.accuracy_target
                and min(ev["best_scores"]) >= self.cfg.head_target)

    def claim_met(self) -> bool:
        return self.claim_step is not None

    def done(self) -> bool:
        return self.steps >= self.cfg.train_steps

    # -- the visitor ---------------------------------------------------------------------
    def command(self, name, value) -> None:
        if name == "input":
            word, dropped, cut = read_word(value, self.cfg.max_len)
            if not value.strip():
                return  # an empty box keeps the word shown
            if len(word) < self.cfg.min_len:
                # Too few letters (say "猫"): keep the word, and let the view say why beside the
                # box. Not a ValueError: its note would take a second row of the control line.
                self.refused += 1
                return
            self.word, self.dropped, self.cut = word, dropped, cut
        elif name == "race":
            self.race = race.measure(device=self.device, heads=self.cfg.heads)
        else:
            raise UnknownCommand(name)

    @torch.no_grad()
    def read(self, word: str) -> tuple[list[str], torch.Tensor]:
        """The model on one word: four outputs, every head's attention (layers, heads, L, L)."""
        L = len(word)
        x = torch.tensor([[LETTERS.index(c) for c in word]], device=self.device)  # (1, L)
        mask = torch.ones(1, L, dtype=torch.bool, device=self.device)
        self.model.eval()
        logits, att = self.model(x, mask)  # (4, 1, L, C), (1, layers, heads, L, L)
        self.model.train()
        pred = logits.argmax(-1)[:, 0].cpu().tolist()  # (4, L)
        outputs = ["".join("·" if c == NONE else LETTERS[c] for c in row) for row in pred]
        return outputs, att[0].cpu()

    def snapshot(self) -> dict:
        key = (self.steps, self.word)
        if self._view_cache is None or self._view_cache[0] != key:
            with one_thread():
                outputs, att = self.read(self.word)
            self._view_cache = (key, outputs, att.numpy().astype(float))
        _, outputs, att = self._view_cache
        want = targets(
            torch.tensor([[LETTERS.index(c) for c in self.word]]), torch.tensor([len(self.word)])
        )[:, 0].tolist()  # (4, L) the right answers, to mark the model's mistakes
        answers = ["".join("·" if c == NONE else LETTERS[c] for c in row) for row in want]
        ev = self.evaluation
        return {
            "step": self.steps,
            "train_steps": self.cfg.train_steps,
            "layers": self.cfg.layers,
            "heads": self.cfg.heads,
            "jobs": list(JOBS),
            "word": self.word,
            "dropped": self.dropped,
            "cut": self.cut,
            "refused": self.refused,
            "min_len": self.cfg.min_len,
            "max_len": self.cfg.max_len,
            "outputs": outputs,
            "answers": answers,
            "attention": att.copy(),  # (layers, heads, L, L): rows = queries, columns = keys
            "evaluation": {**ev, "scores": ev["scores"].copy(),
                           "best_heads": [list(b) for b in ev["best_heads"]],
                           "job_accuracy": list(ev["job_accuracy"]),
                           "best_scores": list(ev["best_scores"])},
            "baseline": self.baseline,
            "held_out": self.cfg.eval_size,
            "targets": {"accuracy": self.cfg.accuracy_target, "head": self.cfg.head_target},
            "claim_step": self.claim_step,
            "work": race.work(d=self.cfg.d_model),
            "race": None if self.race is None else {
                k: list(v) if isinstance(v, list) else v for k, v in self.race.items()
            },
        }
