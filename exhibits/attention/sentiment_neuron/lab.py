"""Radford, Józefowicz & Sutskever (2017), in miniature: a sentiment unit nobody asked for.

A word-level LSTM language model reads generated product reviews and learns only to predict
the next word: it never sees a label. Every few steps a probe looks inside. For each hidden
unit alone it fits the best threshold on the unit's final cell value, separating positive from
negative training reviews, and scores that threshold on held-out reviews; a logistic regression
on all units together is the yardstick. The probe's reviews carry no closing line ("do not
buy ."), so a unit cannot pass by reading the verdict off the last words.

Once one unit sorts held-out reviews well, the lab steers: it clamps that unit's cell value
far to its positive or negative side at every step while the model writes reviews, and judges
each sample with the grammar's own lexicon and negation rule (grammar.judge), which knows
nothing about the model. The original was a byte-level multiplicative LSTM with 4,096 units
trained for a month on 82 million Amazon reviews; this is a small word-level analogue.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from exhibits.attention.sentiment_neuron import grammar
from exhibits.attention.sentiment_neuron.probe import best_thresholds, logistic_accuracy
from museum.lab.api import Lab, UnknownCommand

CLAMPS = ("off", "pos", "neg")


@dataclass
class SentimentConfig:
    emb: int = 128  # word embedding width
    hidden: int = 128  # LSTM units: the probe's candidates
    batch: int = 32  # reviews per step
    lr: float = 3e-3  # Adam
    clip: float = 1.0  # gradient norm clip: keeps early LSTM steps tame
    probe_every: int = 50  # steps between refits (a refit 0.1-0.25 s; a step ~25 ms, 1 thread)
    probe_train: int = 200  # reviews the thresholds are fitted on
    probe_test: int = 200  # held-out reviews they are scored on
    accuracy_goal: float = 0.90  # the claim: one unit alone, held out
    steer_goal: float = 0.50  # the claim: share positive (clamp +) - share positive (clamp -)
    # The clamp holds the unit's cell at +-clamp_level on its positive or negative side. The
    # unit's output is o * tanh(c), so beyond ~3 (tanh 0.995) a larger clamp changes nothing.
    clamp_level: float = 3.0
    steer_samples: int = 100  # samples per clamp direction when the lab measures steering
    visitor_samples: int = 3  # samples shown to the visitor
    max_len: int = 45  # words per generated sample
    temperature: float = 1.0
    max_steps: int = 3000  # then training stops (the unit is long found) and the lab is done


class WordLSTM(nn.Module):
    def __init__(self, vocab: int, emb: int, hidden: int):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        # tokens (B, T) -> logits (B, T, V)
        out, _ = self.lstm(self.embed(tokens))
        return self.head(out)

    def final_cells(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        # tokens (B, T) padded, lengths (B,) -> cell state after each review's last word (B, H)
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embed(tokens), lengths, batch_first=True, enforce_sorted=False)
        _, (_, c) = self.lstm(packed)
        return c[0]

    def cell(self, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, clamp=None):
        """One LSTM step by hand, so a unit's cell can be held fixed. x (B, E), h, c (B, H).

        clamp: None, or (unit, values (B,), held (B,) bool): rows where held is true get
        c[unit] = value after the update, whatever the input said.
        """
        lstm = self.lstm
        gates = (x @ lstm.weight_ih_l0.T + lstm.bias_ih_l0
                 + h @ lstm.weight_hh_l0.T + lstm.bias_hh_l0)  # (B, 4H)
        i, f, g, o = gates.chunk(4, 1)  # PyTorch's gate order
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        if clamp is not None:
            unit, values, held = clamp
            c = c.clone()
            c[:, unit] = torch.where(held, values, c[:, unit])
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c


class SentimentNeuronLab(Lab):
    def __init__(self, seed: int = 0, device: str = "cpu", **params):
        super().__init__(seed, device, **params)
        self.cfg = cfg = SentimentConfig(**params)
        self.vocab = grammar.vocabulary()
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.rng = random.Random(seed)  # the LM's stream of reviews
        with torch.random.fork_rng(devices=[]):  # the model's init, without touching global RNG
            torch.manual_seed(seed)
            self.model = WordLSTM(len(self.vocab), cfg.emb, cfg.hidden).to(device)
        # Made at the first step: a process's first optimizer costs ~1.5 s of torch imports,
        # and the constructor should return at once.
        self.opt: torch.optim.Optimizer | None = None
        # The probe's reviews: fixed, no closing lines, balanced labels, their own stream.
        probe_rng = random.Random(f"probe-{seed}")
        self.probe_sets = {}
        for part, n in (("train", cfg.probe_train), ("test", cfg.probe_test)):
            labels = [1 if i % 2 == 0 else -1 for i in range(n)]
            reviews = [grammar.review(probe_rng, lab, closing=False) for lab in labels]
            self.probe_sets[part] = (reviews, np.array([lab > 0 for lab in labels], float))
        self.probe_tokens = {part: self.batch(reviews, eos=False)  # (n, T), (n,): made once
                             for part, (reviews, _) in self.probe_sets.items()}
        # The example shown word by word: a held-out review with a "but" in it, if any.
        test_reviews = self.probe_sets["test"][0]
        at = next((i for i, r in enumerate(test_reviews) if "but" in r), 0)
        self.example, self.example_label = test_reviews[at], (1 if at % 2 == 0 else -1)

        self.steps = 0
        self.loss_avg = math.nan
        self.probe: dict | None = None  # the last refit's findings
        self.steer: dict | None = None  # the last measured steering
        self.claim_step: int | None = None
        self.clamp = "off"
        self.typed: list[str] | None = None  # the visitor's tokens, when they typed something
        self.samples: list[dict] = []
        self.sample_seed = 0  # advances each time the visitor asks for new samples
        self._trace_key: tuple | None = None
        self._trace_values: list[float] = []

    # -- data ---------------------------------------------------------------------------------
    def encode(self, words: list[str]) -> list[int]:
        unk = self.index[grammar.UNK]
        return [self.index.get(w, unk) for w in words]

    def batch(self, reviews: list[list[str]], bos: bool = True, eos: bool = True):
        """Word lists -> padded ids (B, T) and lengths (B,). Padding is EOS (masked in the loss)."""
        seqs = [([self.index[grammar.BOS]] if bos else []) + self.encode(r)
                + ([self.index[grammar.EOS]] if eos else []) for r in reviews]
        lengths = torch.tensor([len(s) for s in seqs])
        tokens = torch.full((len(seqs), int(lengths.max())), self.index[grammar.EOS])
        for i, s in enumerate(seqs):
            tokens[i, : len(s)] = torch.tensor(s)
        return tokens.to(self.device), lengths

    # -- training -------------------------------------------------------------------------------
    def step(self) -> dict[str, float]:
        cfg = self.cfg
        if self.steps < cfg.max_steps:
            if self.opt is None:
                self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)
            reviews = [grammar.review(self.rng, self.rng.choice((1, -1))) for _ in range(cfg.batch)]
            tokens, lengths = self.batch(reviews)  # (B, T), (B,)
            logits = self.model(tokens[:, :-1])  # (B, T-1, V): predict each next word
            target = tokens[:, 1:]
            mask = (torch.arange(target.shape[1])[None, :] < (lengths - 1)[:, None]).to(self.device)
            loss = nn.functional.cross_entropy(logits[mask], target[mask])
            self.opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(self.model.parameters(), cfg.clip)
            self.opt.step()
            value = float(loss.item())
            # a running mean: one minibatch's loss is noisy
            avg = self.loss_avg
            self.loss_avg = value if math.isnan(avg) else 0.9 * avg + 0.1 * value
        self.steps += 1
        if self.steps % cfg.probe_every == 0 and self.steps <= cfg.max_steps:
            self.refit()
        p = self.probe
        return {
            "loss": self.loss_avg,
            "unit_acc": p["acc_unit"] if p else 0.5,
            "all_acc": p["acc_all"] if p else 0.5,
        }

    @torch.no_grad()
    def cells(self, part: str) -> np.ndarray:
        tokens, lengths = self.probe_tokens[part]
        return self.model.final_cells(tokens, lengths).cpu().numpy().astype(np.float64)  # (n, H)

    def refit(self) -> None:
        """The probe: every unit alone (threshold) and all together (logistic), held out."""
        cfg = self.cfg
        x_train, y_train = self.cells("train"), self.probe_sets["train"][1]
        x_test, y_test = self.cells("test"), self.probe_sets["test"][1]
        thresholds, signs, train_acc = best_thresholds(x_train, y_train)
        pred = (x_test - thresholds) * signs > 0  # (n, H)
        test_acc = (pred == (y_test[:, None] > 0.5)).mean(0)  # (H,)
        # The unit is chosen on training reviews only and scored on held-out ones. Later in
        # training several units separate the training reviews perfectly; among units tied for
        # the best, take the one whose value moves most between positive and negative reviews:
        # a counter that adds up the review's sentiment rather than a saturated switch that
        # only reads it (measured here: counters steer far more often than switches).
        positive = y_train > 0.5
        swing = np.abs(x_train[positive].mean(0) - x_train[~positive].mean(0))  # (H,)
        unit = int(np.argmax(np.where(train_acc == train_acc.max(), swing, -np.inf)))
        column = x_train[:, unit]
        self.probe = {
            "step": self.steps,
            "unit": unit,
            "sign": float(signs[unit]),
            "threshold": float(thresholds[unit]),
            "mean": float(column.mean()),
            "std": float(column.std()),
            "acc_unit": float(test_acc[unit]),
            "acc_unit_train": float(train_acc[unit]),
            "acc_all": logistic_accuracy(x_train, y_train, x_test, y_test),
            "acc_per_unit": test_acc.astype(np.float64),
            "swing": float(swing[unit]),
            "best_held_out": float(test_acc.max()),
        }
        if self.probe["acc_unit"] >= cfg.accuracy_goal:
            self.measure_steering()
        if self.claim_step is None and self.steer is not None and self.steer["step"] == self.steps:
            if self.steer["high"] - self.steer["low"] >= cfg.steer_goal:
                self.claim_step = self.steps
        self.refresh_samples()

    # -- steering ---------------------------------------------------------------------------------
    def clamp_value(self, direction: str) -> float | None:
        """The cell value that holds the unit on the positive ("pos") or negative side."""
        p = self.probe
        if p is None or direction == "off":
            return None
        side = 1.0 if direction == "pos" else -1.0
        return side * p["sign"] * self.cfg.clamp_level

    @torch.no_grad()
    def generate(self, clamps: list, seed: int) -> list[list[str]]:
        """One review per entry of ``clamps``, written from <bos> with the probe's unit held at
        that value (None: left free). All rows are sampled together, in one batch."""
        cfg, model, n = self.cfg, self.model, len(clamps)
        gen = torch.Generator().manual_seed(seed)
        held = torch.tensor([v is not None for v in clamps], device=self.device)  # (n,)
        values = torch.tensor([0.0 if v is None else v for v in clamps], device=self.device)
        clamp = (self.probe["unit"], values, held) if bool(held.any()) else None
        h = torch.zeros(n, cfg.hidden, device=self.device)  # (n, H)
        c = torch.zeros(n, cfg.hidden, device=self.device)
        word = torch.full((n,), self.index[grammar.BOS], device=self.device)  # (n,)
        out = torch.zeros(n, cfg.max_len, dtype=torch.long)
        finished = torch.zeros(n, dtype=torch.bool)
        eos = self.index[grammar.EOS]
        for t in range(cfg.max_len):
            h, c = model.cell(model.embed(word), h, c, clamp)
            probs = torch.softmax(model.head(h) / cfg.temperature, dim=-1).cpu()  # (n, V)
            word = torch.multinomial(probs, 1, generator=gen)[:, 0]
            word[finished] = eos
            out[:, t] = word
            finished |= word == eos
            word = word.to(self.device)
            if bool(finished.all()):
                break
        texts = []
        for row in out.tolist():
            words = [self.vocab[i] for i in row]
            texts.append(words[: words.index(grammar.EOS)] if grammar.EOS in words else words)
        return texts

    @staticmethod
    def share_positive(samples: list[list[str]]) -> float:
        return sum(grammar.judge(s) > 0 for s in samples) / max(1, len(samples))

    def measure_steering(self) -> None:
        """The claim's steering half: both clamps and none, fixed sampling seed from the seed."""
        n = self.cfg.steer_samples
        clamps = [self.clamp_value("pos")] * n + [self.clamp_value("neg")] * n + [None] * n
        texts = self.generate(clamps, seed=10_000 + self.seed)
        self.steer = {
            "step": self.steps,
            "unit": self.probe["unit"],
            "n": n,
            "high": self.share_positive(texts[:n]),
            "low": self.share_positive(texts[n: 2 * n]),
            "off": self.share_positive(texts[2 * n:]),
        }

    def refresh_samples(self) -> None:
        if self.probe is None:
            self.samples = []
            return
        seed = 20_000 + 1_000 * self.seed + self.sample_seed
        texts = self.generate([self.clamp_value(self.clamp)] * self.cfg.visitor_samples, seed)
        self.samples = [{"text": " ".join(t), "score": grammar.judge(t)} for t in texts]

    # -- the unit word by word ------------------------------------------------------------------
    def trace(self, words: list[str]) -> list[float]:
        """The probe unit's cell value after each word (starting from <bos>); cached, since
        snapshots come ~10 times a second and the answer changes only at a refit."""
        key = (self.steps if self.probe is None else self.probe["step"], tuple(words))
        if self._trace_key != key:
            self._trace_key, self._trace_values = key, self._trace(words)
        return list(self._trace_values)

    @torch.no_grad()
    def _trace(self, words: list[str]) -> list[float]:
        if self.probe is None or not words:
            return []
        model, unit = self.model, self.probe["unit"]
        ids = torch.tensor([self.index[grammar.BOS], *self.encode(words)], device=self.device)
        h = torch.zeros(1, self.cfg.hidden, device=self.device)
        c = torch.zeros(1, self.cfg.hidden, device=self.device)
        values = []
        for t, emb in enumerate(model.embed(ids)):  # emb (E,)
            h, c = model.cell(emb[None], h, c)
            if t > 0:
                values.append(float(c[0, unit]))
        return values

    # -- the visitor ---------------------------------------------------------------------------
    def command(self, name: str, value) -> None:
        if name == "text":
            if not isinstance(value, str):
                raise ValueError("text must be a string")
            self.typed = grammar.tokenize(value) or None
            return
        if name == "example":  # back to the held-out example review
            self.typed = None
            return
        if name == "clamp":
            if value is None:  # cycle off -> positive -> negative
                value = CLAMPS[(CLAMPS.index(self.clamp) + 1) % len(CLAMPS)]
            if not isinstance(value, str) or value not in CLAMPS:
                raise ValueError("clamp must be one of off, pos, neg")
            self.clamp = value
            self.refresh_samples()
            return
        if name == "resample":
            self.sample_seed += 1
            self.refresh_samples()
            return
        raise UnknownCommand(name)

    def claim_met(self) -> bool:
        return self.claim_step is not None

    def done(self) -> bool:
        return self.steps >= self.cfg.max_steps

    def snapshot(self) -> dict:
        p = self.probe
        words = self.typed if self.typed is not None else self.example
        known = [w in self.index and w != grammar.UNK for w in words]
        return {
            "steps": self.steps,
            "loss": self.loss_avg,
            "hidden": self.cfg.hidden,
            "vocab": len(self.vocab),
            "probe_every": self.cfg.probe_every,
            "goal": self.cfg.accuracy_goal,
            "probe": None if p is None else {**p, "acc_per_unit": p["acc_per_unit"].copy()},
            "steer": None if self.steer is None else dict(self.steer),
            "claim_step": self.claim_step,
            "words": {
                "tokens": list(words),
                "known": known,
                "values": self.trace(words),
                "typed": self.typed is not None,
                "label": 0 if self.typed is not None else self.example_label,
            },
            "clamp": self.clamp,
            "clamp_value": self.clamp_value(self.clamp),
            "samples": [dict(s) for s in self.samples],
        }
