"""The race: one recurrent layer against one self-attention layer, timed on this machine.

An LSTM must take the positions one after another (T sequential steps: step t needs the
state of step t-1), while self-attention compares every position with every other in one
go (1 step) at a cost that grows with T^2. On a GPU the single step wins; on one CPU thread
the T^2 work catches up with it, and the race shows whichever happens here.
"""

from __future__ import annotations

import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LENGTHS = (8, 16, 32, 64, 128, 256)


class SelfAttention(nn.Module):
    """One multi-head self-attention layer, with PyTorch's fused attention kernel."""

    def __init__(self, d: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        # z (n, T, d) -> (n, T, d); all T positions at once
        n, T, d = z.shape
        q, k, v = self.qkv(z).view(n, T, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(q, k, v)  # (n, heads, T, d/heads)
        return self.proj(y.transpose(1, 2).reshape(n, T, d))


def work(lengths=LENGTHS, d: int = 64) -> dict:
    """Multiply-adds per sequence and sequential steps, counted (not timed): deterministic.

    LSTM: 4 gates, each a d×d product with the input and one with the previous state, at every
    one of T steps: 8·T·d². Self-attention: q, k, v and output projections 4·T·d², plus T²·d for
    the scores and T²·d for the weighted sums.
    """
    return {
        "lengths": list(lengths),
        "lstm_madds": [8 * T * d * d for T in lengths],
        "attention_madds": [4 * T * d * d + 2 * T * T * d for T in lengths],
        "lstm_steps": list(lengths),
        "attention_steps": [1 for _ in lengths],
    }


def _time(fn, x: torch.Tensor, repeats: int, cuda: bool) -> float:
    """Best of ``repeats`` forward passes, in milliseconds (after one warm-up pass)."""
    best = float("inf")
    for i in range(repeats + 1):
        if cuda:
            torch.cuda.synchronize()
        start = time.perf_counter()
        fn(x)
        if cuda:
            torch.cuda.synchronize()
        if i:  # the first pass warms caches and kernels up
            best = min(best, time.perf_counter() - start)
    return best * 1000.0


def measure(lengths=LENGTHS, batch: int = 16, d: int = 64, heads: int = 8,
            device: str = "cpu", repeats: int = 2) -> dict:
    """Forward time of each layer over a batch of random sequences of each length."""
    with torch.random.fork_rng(devices=[]):  # leave the training's random state alone
        torch.manual_seed(0)
        lstm = nn.LSTM(d, d, batch_first=True).to(device)
        attention = SelfAttention(d, heads).to(device)
        cuda = torch.device(device).type == "cuda"
        lstm_ms, attention_ms = [], []
        started = time.perf_counter()
        with torch.inference_mode():
            for T in lengths:
                x = torch.randn(batch, T, d, device=device)  # (batch, T, d)
                lstm_ms.append(_time(lambda z: lstm(z)[0], x, repeats, cuda))
                attention_ms.append(_time(attention, x, repeats, cuda))
    return {
        "lengths": list(lengths),
        "lstm_ms": lstm_ms,
        "attention_ms": attention_ms,
        "batch": batch,
        "hidden": d,
        "device": str(device),
        "threads": torch.get_num_threads(),
        "seconds": time.perf_counter() - started,
    }
