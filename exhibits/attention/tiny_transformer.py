"""A tiny transformer shared by the room's text labs: bert (bidirectional, masked words) and
gpt (causal, characters). nanoGPT is the reading model; this one adds an optional ALiBi-style
relative bias and hands back its attention weights for the heatmaps.

Pre-LayerNorm blocks (attention, then a 4× MLP with GELU), the output layer tied to the token
embedding, as in GPT-2. Torch only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class ModelConfig:
    vocab: int
    context: int  # the longest sequence the model sees (positions or relative distances)
    d: int = 64  # width of the residual stream
    heads: int = 4
    layers: int = 2
    causal: bool = False  # True: a position sees only itself and the past (GPT)
    # "learned": an absolute position embedding added to the tokens (GPT, BERT).
    # "relative": no position embedding; each head adds a learned bias b[h, j - i] to its
    # attention scores, started as ALiBi's -slope·|j - i| so that every head first looks near.
    positions: str = "learned"
    slope: float = 1.0  # the first head's ALiBi slope; each further head halves it
    # Or per head: rel[h, j - i] starts at -slopes[h]·|j - i - leans[h]|, so a head with lean
    # -1 first looks at the word on its left, +1 at the word on its right.
    slopes: tuple[float, ...] | None = None
    leans: tuple[int, ...] | None = None
    tied: bool = True  # the output layer reuses the token embedding (GPT-2, BERT)
    # "small": GPT-2's N(0, 0.02) everywhere. "torch": PyTorch's defaults (embeddings N(0, 1),
    # linear layers uniform ±1/√fan_in). "mixed": PyTorch's linear layers, small embeddings.
    init: str = "small"


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.heads = cfg.heads
        self.qkv = nn.Linear(cfg.d, 3 * cfg.d)
        self.out = nn.Linear(cfg.d, cfg.d)

    def forward(self, x, bias, causal: bool, want: bool):
        # x: (B, T, d); bias: (H, T, T) or None
        B, T, d = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        # q, k, v: (B, H, T, d/H)
        weights = None
        if want:  # the slow path, only when a heatmap asks: the same numbers, weights kept
            scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (B, H, T, T)
            if bias is not None:
                scores = scores + bias
            if causal:
                scores = scores.masked_fill(_future(T, x.device), float("-inf"))
            weights = scores.softmax(-1)  # (B, H, T, T): row i = where position i looks
            y = weights @ v
        elif bias is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        else:
            if causal:
                bias = bias.masked_fill(_future(T, x.device), float("-inf"))
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        y = y.transpose(1, 2).reshape(B, T, d)  # (B, T, d): heads side by side again
        return self.out(y), weights


def _future(T: int, device) -> torch.Tensor:
    return torch.ones(T, T, dtype=torch.bool, device=device).triu(1)  # (T, T) True above diag


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d)
        self.attn = Attention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.d, 4 * cfg.d), nn.GELU(), nn.Linear(4 * cfg.d, cfg.d)
        )

    def forward(self, x, bias, causal: bool, want: bool):
        a, weights = self.attn(self.ln1(x), bias, causal, want)
        x = x + a
        return x + self.mlp(self.ln2(x)), weights


class TinyTransformer(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab, cfg.d)
        if cfg.positions == "learned":
            self.pos = nn.Embedding(cfg.context, cfg.d)
        elif cfg.positions == "relative":
            # rel[h, c - 1 + (j - i)]: head h's bias for looking from position i to position j
            offset = torch.arange(-(cfg.context - 1), cfg.context).float()  # (2C-1,): j - i
            if cfg.slopes is None:
                slopes = cfg.slope * 0.5 ** torch.arange(cfg.heads).float()  # (H,)
            else:
                slopes = torch.tensor(cfg.slopes, dtype=torch.float)
            leans = torch.tensor(cfg.leans or (0,) * cfg.heads, dtype=torch.float)  # (H,)
            distance = (offset[None, :] - leans[:, None]).abs()  # (H, 2C-1)
            self.rel = nn.Parameter(-slopes[:, None] * distance)  # (H, 2C-1)
        else:
            raise ValueError(f"positions must be 'learned' or 'relative', not {cfg.positions!r}")
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.ln = nn.LayerNorm(cfg.d)
        # tied: logits = h·tokᵀ + b. Untied, a separate output matrix: input and output roles
        # of a character differ (after "q" comes "u", not the other way round).
        self.head = None if cfg.tied else nn.Linear(cfg.d, cfg.vocab, bias=False)
        self.out_bias = nn.Parameter(torch.zeros(cfg.vocab))
        if cfg.init not in ("small", "torch", "mixed"):
            raise ValueError(f"init must be 'small', 'torch' or 'mixed', not {cfg.init!r}")
        for module in self.modules():
            if isinstance(module, nn.Embedding) and cfg.init != "torch":
                nn.init.normal_(module.weight, std=0.02)
            elif isinstance(module, nn.Linear) and cfg.init == "small":
                nn.init.normal_(module.weight, std=0.02)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)

    def n_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def bias(self, T: int) -> torch.Tensor | None:
        if self.cfg.positions != "relative":
            return None
        i = torch.arange(T, device=self.rel.device)
        index = i[None, :] - i[:, None] + self.cfg.context - 1  # (T, T): j - i, shifted
        return self.rel[:, index]  # (H, T, T)

    def hidden(self, idx: torch.Tensor, want: bool = False):
        """idx (B, T) token ids -> (B, T, d) final states and, if asked, every layer's
        attention weights as a list of (B, H, T, T)."""
        B, T = idx.shape
        x = self.tok(idx)  # (B, T, d)
        if self.cfg.positions == "learned":
            x = x + self.pos(torch.arange(T, device=idx.device))  # (T, d) broadcast
        bias = self.bias(T)
        maps = []
        for block in self.blocks:
            x, weights = block(x, bias, self.cfg.causal, want)
            maps.append(weights)
        return self.ln(x), maps

    def logits(self, h: torch.Tensor) -> torch.Tensor:
        """(…, d) states -> (…, vocab) scores, through the tied embedding."""
        weight = self.tok.weight if self.head is None else self.head.weight  # (vocab, d)
        return h @ weight.T + self.out_bias

