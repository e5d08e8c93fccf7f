"""The probe's two yardsticks: one threshold per unit, and a logistic regression on all units.

NumPy for the thresholds, torch (float64, the lab's one thread) for the regression.
"""

from __future__ import annotations

import numpy as np
import torch


def best_thresholds(x: np.ndarray, y: np.ndarray):
    """Per unit, the threshold and direction that best separate y on x.

    x (n, H) unit values, y (n,) 1 for positive. Returns thresholds (H,), signs (H,) with +1
    meaning "above the threshold reads positive", and training accuracies (H,).
    """
    n = len(y)
    order = np.argsort(x, axis=0, kind="stable")  # (n, H)
    xs = np.take_along_axis(x, order, axis=0)
    ys = y[order]  # (n, H) labels in each unit's sorted order
    pos_before = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(ys, axis=0)])  # (n+1, H)
    k = np.arange(n + 1)[:, None]
    # cut before sorted position k, "positive above": negatives below + positives above
    acc_up = ((k - pos_before) + (y.sum() - pos_before)) / n  # (n+1, H)
    acc = np.maximum(acc_up, 1 - acc_up)
    best = np.argmax(acc, axis=0)  # (H,)
    cols = np.arange(x.shape[1])
    lo = np.where(best > 0, xs[np.maximum(best - 1, 0), cols], -np.inf)
    hi = np.where(best < n, xs[np.minimum(best, n - 1), cols], np.inf)
    thresholds = np.where(np.isfinite(lo) & np.isfinite(hi), (lo + hi) / 2,
                          np.where(np.isfinite(lo), lo + 1e-6, hi - 1e-6))
    signs = np.where(acc_up[best, cols] >= 1 - acc_up[best, cols], 1.0, -1.0)
    return thresholds, signs, acc[best, cols]


def logistic_accuracy(x_train, y_train, x_test, y_test, l2: float = 1.0, iters: int = 20) -> float:
    """All units together: L2 logistic regression on standardised cells (Newton's method, in
    torch so it keeps to the lab's one thread), fitted on the training reviews and scored on
    the held-out ones. x (n, H) float64 arrays, y (n,) 1 for positive."""
    xa, xb = torch.from_numpy(x_train), torch.from_numpy(x_test)
    mean, std = xa.mean(0), xa.std(0) + 1e-6
    ones = torch.ones(1, dtype=torch.float64)
    xa = torch.cat([(xa - mean) / std, ones.expand(len(xa), 1)], 1)  # (n, H+1), bias column
    xb = torch.cat([(xb - mean) / std, ones.expand(len(xb), 1)], 1)
    ya = torch.from_numpy(y_train)
    penalty = torch.full((xa.shape[1],), l2, dtype=torch.float64)
    penalty[-1] = 0.0  # the bias is free
    w = torch.zeros(xa.shape[1], dtype=torch.float64)
    for _ in range(iters):
        p = torch.sigmoid(xa @ w)  # (n,)
        grad = xa.T @ (p - ya) + penalty * w
        hess = (xa * (p * (1 - p))[:, None]).T @ xa + torch.diag(penalty + 1e-9)
        w = w - torch.linalg.solve(hess, grad)
    return float((((xb @ w) > 0).numpy() == (y_test > 0.5)).mean())
