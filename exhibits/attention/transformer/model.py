"""The task and the model: a tiny encoder-only Transformer with four jobs at every position.

Reversal alone makes every head the same anti-diagonal head. Here each position must output
four letters at once (the letter at the mirrored position, the previous one, the first one
and the next one), so the model gains from heads that each fetch from a different place:
that is what makes them specialise, and what the heatmaps show.
"""

from __future__ import annotations

import math
from contextlib import contextmanager

import torch
import torch.nn as nn
import torch.nn.functional as F

LETTERS = "abcdefghijklmnopqrstuvwxyz"
PAD = len(LETTERS)  # input token for "no letter here" (a shorter sequence); masked as a key
NONE = len(LETTERS)  # output class for "there is no such letter" (no previous at the start)
CLASSES = len(LETTERS) + 1
# The four jobs, in the order of everything below (outputs, targets, head scores).
JOBS = ("reverse", "previous", "first", "next")
IGNORE = -100  # cross_entropy's ignore_index: positions past the end of a sequence


@contextmanager
def one_thread():
    """Run a block on one torch thread, then restore the caller's count.

    At these sizes (128 words × 8 letters × 64 dimensions) extra threads only add
    synchronisation: on a loaded 2-core machine a step took 0.13 s on one thread and 1.9 s on
    two. It also makes the numbers the same whatever thread count the process runs with.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


HELD_OUT_MOD = 7  # a word whose letter indices sum to a multiple of 7 is never trained on


def held_out_kind(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """(n,) True for the words kept for testing (about one in seven of every length)."""
    return (x * mask).sum(1) % HELD_OUT_MOD == 0


def make_batch(g: torch.Generator, n: int, min_len: int, max_len: int, held_out: bool = False):
    """n random words of min_len..max_len letters, padded to max_len.

    Training words are never of the held-out kind (one letter is moved on if they are), and
    held-out words are only of that kind, so "held out" means never seen in training.
    Returns x (n, T) int64 tokens with PAD past the end, lengths (n,), mask (n, T) bool.
    """
    draw = 8 * n if held_out else n
    found = []
    while sum(len(part[0]) for part in found) < n:
        lengths = torch.randint(min_len, max_len + 1, (draw,), generator=g)  # (draw,)
        x = torch.randint(0, len(LETTERS), (draw, max_len), generator=g)  # (draw, T)
        mask = torch.arange(max_len)[None, :] < lengths[:, None]  # (draw, T) real letters
        kind = held_out_kind(x, mask)
        if held_out:
            found.append((x[kind], lengths[kind], mask[kind]))
        else:  # +1 (or -25) on the first letter changes the sum by an amount 7 doesn't divide
            x[kind, 0] = (x[kind, 0] + 1) % len(LETTERS)
            found.append((x, lengths, mask))
    x, lengths, mask = (torch.cat(parts)[:n] for parts in zip(*found, strict=True))
    return torch.where(mask, x, PAD), lengths, mask


def needed_positions(lengths: torch.Tensor, max_len: int):
    """Where each job must look from each query position.

    Returns need (4, n, T) int64 key positions and exists (4, n, T) bool: False where the
    job has no answer (no previous letter at position 0, no next at the end) or past the end.
    """
    n, T = lengths.shape[0], max_len
    pos = torch.arange(T)[None, :].expand(n, T)  # (n, T)
    last = lengths[:, None] - 1  # (n, 1)
    need = torch.stack([last - pos, pos - 1, torch.zeros_like(pos), pos + 1])  # (4, n, T)
    real = pos <= last  # (n, T) the query itself is a letter
    exists = (need >= 0) & (need <= last) & real[None]  # (4, n, T)
    return need, exists


def targets(x: torch.Tensor, lengths: torch.Tensor):
    """The four answers at every position: (4, n, T) classes, IGNORE past the end."""
    n, T = x.shape
    need, exists = needed_positions(lengths, T)
    fetched = torch.gather(x[None].expand(4, n, T), 2, need.clamp(0, T - 1))  # (4, n, T)
    y = torch.where(exists, fetched, NONE)
    real = torch.arange(T)[None, :] < lengths[:, None]  # (n, T)
    return torch.where(real[None], y, IGNORE)


class Block(nn.Module):
    """Pre-norm Transformer block; attention written out so its weights can be shown."""

    def __init__(self, d: int, heads: int, d_ff: int):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, d_ff), nn.GELU(), nn.Linear(d_ff, d))

    def forward(self, z: torch.Tensor, mask: torch.Tensor):
        # z (n, T, d), mask (n, T) -> z (n, T, d), attention (n, heads, T, T)
        n, T, d = z.shape
        h, dh = self.heads, d // self.heads
        q, k, v = self.qkv(self.ln1(z)).view(n, T, 3, h, dh).permute(2, 0, 3, 1, 4)  # (n,h,T,dh)
        scores = q @ k.transpose(-1, -2) / math.sqrt(dh)  # (n, h, T, T): scaled dot products
        scores = scores.masked_fill(~mask[:, None, None, :], float("-inf"))  # no padding keys
        att = scores.softmax(-1)  # each query's weights over the keys sum to 1
        y = (att @ v).transpose(1, 2).reshape(n, T, d)  # heads side by side again
        z = z + self.proj(y)
        return z + self.ff(self.ln2(z)), att


class TinyTransformer(nn.Module):
    """Letters + learned positions -> blocks -> four classifiers per position."""

    def __init__(self, max_len: int, d: int, heads: int, layers: int, d_ff: int):
        super().__init__()
        self.tok = nn.Embedding(len(LETTERS) + 1, d)  # 26 letters + PAD
        self.pos = nn.Embedding(max_len, d)
        self.blocks = nn.ModuleList(Block(d, heads, d_ff) for _ in range(layers))
        self.ln = nn.LayerNorm(d)
        self.out = nn.Linear(d, len(JOBS) * CLASSES)

    def forward(self, x: torch.Tensor, mask: torch.Tensor):
        # x (n, T), mask (n, T) -> logits (4, n, T, CLASSES), attention (n, layers, heads, T, T)
        n, T = x.shape
        z = self.tok(x) + self.pos(torch.arange(T, device=x.device))[None]  # (n, T, d)
        maps = []
        for block in self.blocks:
            z, att = block(z, mask)
            maps.append(att)
        logits = self.out(self.ln(z)).view(n, T, len(JOBS), CLASSES).permute(2, 0, 1, 3)
        return logits, torch.stack(maps, 1)


def loss_of(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the four jobs and every real position."""
    return F.cross_entropy(logits.reshape(-1, CLASSES), y.reshape(-1), ignore_index=IGNORE)


def head_scores(att: torch.Tensor, need: torch.Tensor, exists: torch.Tensor) -> torch.Tensor:
    """How well each head does each job: (layers, heads, 4).

    A head's score for a job = its attention weight on the key that job needs, averaged over
    every query position that has an answer for that job (all sequences of the batch).
    1.0 = always looks exactly there; a head spreading evenly over L letters scores 1/L.
    """
    n, layers, heads, T, _ = att.shape
    out = torch.zeros(layers, heads, len(JOBS))
    for j in range(len(JOBS)):
        idx = need[j].clamp(0, T - 1)[:, None, None, :, None].expand(n, layers, heads, T, 1)
        w = torch.gather(att, 4, idx)[..., 0]  # (n, layers, heads, T) weight on the needed key
        m = exists[j][:, None, None, :].to(att.dtype)  # (n, 1, 1, T)
        out[:, :, j] = ((w * m).sum((0, 3)) / m.sum((0, 3))).cpu()
    return out


def uniform_baseline(lengths: torch.Tensor, exists: torch.Tensor) -> float:
    """The score of a head that spreads evenly over the letters: mean of 1/L over scored queries."""
    inv = (1.0 / lengths.double())[None, :, None].expand_as(exists)  # (4, n, T)
    return float(inv[exists].mean())


class AdamW:
    """torch.optim.AdamW's update (Loshchilov & Hutter), written out in a few lines.

    Why not torch.optim: building any torch.optim optimizer first imports torch._dynamo,
    which took 2–6 s on these machines, and the lab must start in well under a second.
    """

    def __init__(self, params, lr: float, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.01):
        self.params = [p for p in params if p.requires_grad]
        self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
        self.m = [torch.zeros_like(p) for p in self.params]  # running mean of gradients
        self.v = [torch.zeros_like(p) for p in self.params]  # running mean of squared gradients
        self.t = 0

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        correction1, correction2 = 1 - b1 ** self.t, 1 - b2 ** self.t  # early means are too small
        for p, m, v in zip(self.params, self.m, self.v, strict=True):
            if p.grad is None:
                continue
            p.mul_(1 - self.lr * self.weight_decay)  # decoupled weight decay
            m.lerp_(p.grad, 1 - b1)
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
            denom = (v / correction2).sqrt_().add_(self.eps)
            p.addcdiv_(m, denom, value=-self.lr / correction1)
