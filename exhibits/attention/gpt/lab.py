"""GPT (2018–2019) in miniature: a decoder-only transformer learns to write docstrings.

Radford et al. trained a 12-layer, 117M-parameter decoder to predict the next token of books
(GPT-1, 2018), then a 48-layer, 1.5B one on web pages (GPT-2, 2019). This one has 2 layers,
about 250k parameters, and reads characters: the docstrings of the Python standard library on
this machine, 1.4M characters to learn from and a fixed set of held-out docstrings to judge it.

The yardstick is a character bigram: for each character, how often every character follows it
in the training text. Counting is the best that one character of context allows; the
transformer sees up to 64 characters back and should do clearly better on held-out text.

While it trains it writes: every step adds a few characters to a sample, so the visitor sees
the text turn from noise into docstring-like English with invented words.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F

from exhibits.attention.docstrings import split
from exhibits.attention.tiny_transformer import ModelConfig, TinyTransformer
from museum.lab.api import Lab, UnknownCommand

# The alphabet: newline and printable ASCII; anything else (é, →, 😀) is one "unknown" symbol.
CHARS = "\n" + "".join(chr(c) for c in range(32, 127))
UNK = len(CHARS)  # its id; drawn as UNK_GLYPH
UNK_GLYPH = "¤"
VOCAB = len(CHARS) + 1
SEPARATOR = "\n\n"  # between docstrings: a sample that starts after it starts a new docstring
TEMPERATURES = (0.5, 0.8, 1.0, 1.3)
MAX_PROMPT = 48  # characters of the visitor's prompt kept (the model sees 64 at most)
ATTENTION_CHARS = 16  # the heatmap shows the last this many characters of the sample


@dataclass
class GptConfig:
    d: int = 96  # residual width
    heads: int = 4
    layers: int = 2
    context: int = 64  # characters the model sees at once
    batch: int = 32  # windows per step: 32 × 64 = 2,048 characters
    lr: float = 3e-3
    eval_every: int = 25  # steps between held-out evaluations
    eval_windows: int = 128  # fixed held-out windows: 128 × 64 = 8,192 characters judged
    margin: float = 0.2  # the claim: held-out loss at least this many nats below the bigram's
    chars_per_step: int = 3  # the sample grows by this much each step
    sample_length: int = 240  # a sample ends here (or at the end of a docstring)
    temperature: float = 0.8
    init: str = "torch"  # PyTorch's defaults; "small" is GPT-2's N(0, 0.02) (slower here)
    tied: bool = False  # a separate output layer (tied to the input embedding: GPT-2's)


def encode(text: str) -> np.ndarray:
    """str -> int64 ids; characters outside the alphabet become UNK."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)  # (n,) code points
    table = np.full(128, UNK, dtype=np.int64)
    table[[ord(c) for c in CHARS]] = np.arange(len(CHARS))
    return np.where(points < 128, table[np.minimum(points, 127)], UNK)


def decode(ids) -> str:
    return "".join(CHARS[i] if i < UNK else UNK_GLYPH for i in ids)


@lru_cache(maxsize=1)
def corpus() -> dict:
    """The split, encoded, and the bigram counted on the training part. Cached per process: the
    first call reads the stdlib (~4 s); a reset or a second lab reuses it."""
    train, held_out = split()
    train_ids = encode(SEPARATOR.join(train) + SEPARATOR)  # (≈1.4M,)
    held_ids = encode(SEPARATOR.join(held_out) + SEPARATOR)  # (≈0.17M,)
    pairs = np.bincount(train_ids[:-1] * VOCAB + train_ids[1:], minlength=VOCAB * VOCAB)
    counts = pairs.reshape(VOCAB, VOCAB).astype(np.float64)  # counts[a, b]: b right after a
    # add-0.1 smoothing: a pair never seen in training still gets a small probability
    bigram = np.log((counts + 0.1) / (counts + 0.1).sum(1, keepdims=True))  # (V, V) log P(b|a)
    return {"train": torch.from_numpy(train_ids), "held": torch.from_numpy(held_ids),
            "bigram": bigram, "train_chars": len(train_ids), "held_chars": len(held_ids)}


class GptLab(Lab):
    def __init__(self, seed: int = 0, device: str = "cpu", **params):
        super().__init__(seed, device, **params)
        self.cfg = cfg = GptConfig(**params)
        torch.manual_seed(seed)
        # PyTorch's default init and an untied output layer. Measured here (seed 0): with
        # GPT-2's N(0, 0.02) init the held-out loss crossed the bigram's at step ~300, not
        # ~125; with the output tied to the input embedding it had not by step 400.
        self.model = TinyTransformer(ModelConfig(
            vocab=VOCAB, context=cfg.context, d=cfg.d, heads=cfg.heads, layers=cfg.layers,
            causal=True, positions="learned", tied=cfg.tied, init=cfg.init,
        )).to(device)
        # made on the first step: torch's first optimizer imports its compiler (~1.5 s), and
        # the first step is slow anyway (it reads the corpus)
        self.opt: torch.optim.Optimizer | None = None
        self.batches = torch.Generator().manual_seed(seed)  # which windows to train on
        self.dice = torch.Generator().manual_seed(10_000 + seed)  # the sampler's own dice
        self.steps = 0
        self.loaded = False  # the corpus is read on the first step, not here (~4 s)
        self.train_loss = float("nan")
        self.val_loss = float("nan")
        self.bigram_loss = float("nan")
        self.evals: list[list[float]] = []  # [step, held-out loss]
        self.claim_step: int | None = None
        self.temperature = cfg.temperature
        self.prompt = ""
        self.note = ""  # what the lab did with the visitor's last input
        self.sample: list[int] = []  # ids written so far in the current sample
        self.sample_step = 0  # the step the current sample started at
        self.samples: deque[dict] = deque(maxlen=4)  # finished samples, newest last
        self._attention: tuple | None = None  # (key, maps) cache for snapshot()
        self.stream: list[int] = encode(SEPARATOR).tolist()  # the last characters written,
        # across samples: what the heatmap shows (a new sample alone is too short at first)

    # -- data ------------------------------------------------------------------------------
    def _load(self) -> None:
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=self.cfg.lr, betas=(0.9, 0.99),
                                     weight_decay=0.01)
        data = corpus()
        self.train, self.held = data["train"].to(self.device), data["held"]
        self.train_chars, self.held_chars = data["train_chars"], data["held_chars"]
        T, n = self.cfg.context, self.cfg.eval_windows
        # Fixed held-out windows, the same for every seed: a spread of starts over the text.
        starts = torch.linspace(1, len(self.held) - T - 2, n).long()  # (n,)
        index = starts[:, None] + torch.arange(T)  # (n, T)
        self.eval_x = self.held[index].to(self.device)  # (n, T) inputs
        self.eval_y = self.held[index + 1].to(self.device)  # (n, T) next characters
        # The bigram judged on exactly the same targets, given the character before each one.
        logp = data["bigram"]
        self.bigram_loss = float(-logp[self.eval_x.cpu().numpy(), self.eval_y.cpu().numpy()].mean())
        self.loaded = True

    def _batch(self):
        T, B = self.cfg.context, self.cfg.batch
        starts = torch.randint(0, len(self.train) - T - 1, (B,), generator=self.batches)
        window = self.train[starts[:, None] + torch.arange(T + 1)]  # (B, T+1)
        return window[:, :-1], window[:, 1:]  # (B, T) inputs, (B, T) targets

    # -- training --------------------------------------------------------------------------
    def loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        h, _ = self.model.hidden(x)  # (B, T, d)
        return F.cross_entropy(self.model.logits(h).flatten(0, 1), y.flatten())  # nats/char

    @torch.no_grad()
    def evaluate(self) -> float:
        self.model.eval()
        loss = self.loss(self.eval_x, self.eval_y).item()
        self.model.train()
        return loss

    def step(self) -> dict[str, float]:
        if not self.loaded:
            self._load()  # the first step reads the corpus (seconds; the runner shows it)
        x, y = self._batch()
        loss = self.loss(x, y)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.steps += 1
        self.train_loss = loss.item()
        if self.steps == 1 or self.steps % self.cfg.eval_every == 0:  # step 1: the start
            self.val_loss = self.evaluate()
            self.evals.append([self.steps, self.val_loss])
            if self.claim_step is None and self.val_loss <= self.bigram_loss - self.cfg.margin:
                self.claim_step = self.steps
        self._write(self.cfg.chars_per_step)
        return {"loss": self.train_loss, "val_loss": self.val_loss, "bigram": self.bigram_loss}

    def claim_met(self) -> bool:
        return self.claim_step is not None

    # -- writing ---------------------------------------------------------------------------
    def _context(self) -> list[int]:
        start = encode(SEPARATOR + self.prompt).tolist()
        return (start + self.sample)[-self.cfg.context:]

    @torch.no_grad()
    def _write(self, n: int) -> None:
        self.model.eval()
        for _ in range(n):
            x = torch.tensor([self._context()], device=self.device)  # (1, ≤T)
            h, _ = self.model.hidden(x)
            logits = self.model.logits(h[0, -1])  # (V,) scores for the next character
            if self.temperature <= 0:
                nxt = int(logits.argmax())
            else:
                probs = (logits / self.temperature).softmax(-1).cpu()
                nxt = int(torch.multinomial(probs, 1, generator=self.dice))
            self.sample.append(nxt)
            self.stream = (self.stream + [nxt])[-ATTENTION_CHARS:]
            ended = decode(self.sample[-2:]) == SEPARATOR and len(self.sample) > 2
            if ended or len(self.sample) >= self.cfg.sample_length:
                self._finish()
                break
        self.model.train()

    def _finish(self) -> None:
        if self.sample:
            self.samples.append({
                "text": self.prompt + decode(self.sample).rstrip("\n"),
                "step": self.sample_step, "temperature": self.temperature,
            })
        self.sample = []
        self.sample_step = self.steps
        gap = "" if decode(self.stream[-2:]) == SEPARATOR else SEPARATOR
        self.stream = (self.stream + encode(gap + self.prompt).tolist())[-ATTENTION_CHARS:]

    # -- the visitor -----------------------------------------------------------------------
    def command(self, name, value) -> None:
        if name == "temperature":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError("temperature must be a number from 0 to 2")
            value = float(value)
            if not 0.0 <= value <= 2.0:  # also refuses NaN
                raise ValueError("temperature must be a number from 0 to 2")
            self.temperature = value
        elif name == "prompt":
            if not isinstance(value, str):
                raise ValueError("the prompt must be text")
            text = value.replace("\r", "")
            known = "".join(c for c in text if c in CHARS)
            dropped = len(text) - len(known)
            kept = known[-MAX_PROMPT:]
            notes = []
            if dropped:
                notes.append(f"{dropped} unknown character(s) left out")
            if len(known) > len(kept):
                notes.append(f"only the last {MAX_PROMPT} kept")
            self.note = "; ".join(notes)
            self.prompt = kept
            self.stream = (self.stream + encode(SEPARATOR + kept).tolist())[-ATTENTION_CHARS:]
            self.sample, self.sample_step = [], self.steps  # start again from the new prompt
        elif name == "sample":  # start a new sample now
            self._finish()
        else:
            raise UnknownCommand(name)

    # -- what the view sees ----------------------------------------------------------------
    def attention(self) -> tuple[list[int], np.ndarray]:
        """Every head's attention while the model reads the last ATTENTION_CHARS characters
        of the sample being written (only those: a map that fits on screen, whose every row
        sums to 1): (layers × heads, n, n), row i = where character i looked. Cached."""
        key = (self.steps, tuple(self.stream))
        if self._attention is None or self._attention[0] != key:
            ids = self.stream
            with torch.no_grad():
                self.model.eval()
                _, maps = self.model.hidden(torch.tensor([ids], device=self.device), want=True)
                self.model.train()
            stacked = torch.cat([m[0] for m in maps]).cpu().numpy()  # (L·H, n, n)
            self._attention = (key, (ids, stacked.astype(np.float32)))
        return self._attention[1]

    def snapshot(self) -> dict:
        ids, maps = self.attention()
        return {
            "loaded": self.loaded,
            "steps": self.steps,
            "train_loss": self.train_loss,
            "val_loss": self.val_loss,
            "bigram_loss": self.bigram_loss,
            "margin": self.cfg.margin,
            "evals": [list(e) for e in self.evals[-200:]],
            "claim_step": self.claim_step,
            "temperature": self.temperature,
            "temperatures": list(TEMPERATURES),
            "prompt": self.prompt,
            "note": self.note,
            "writing": self.prompt + decode(self.sample),
            "writing_step": self.sample_step,
            "samples": [dict(s) for s in self.samples],
            "attention": maps,
            "attention_chars": [decode([i]) for i in ids],
            "layers": self.cfg.layers,
            "heads": self.cfg.heads,
            "params": self.model.n_params(),
            "train_chars": getattr(self, "train_chars", 0),
            "held_chars": getattr(self, "held_chars", 0),
        }

