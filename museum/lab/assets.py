"""Shipped data for labs (NumPy and the standard library only, like the Lab contract).

A missing or damaged file raises ``AssetError`` with a message that says which file and how to
make it again; the runner shows that message instead of a traceback.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

ASSETS = Path(__file__).resolve().parents[2] / "assets"
DIGITS_FIX = "regenerate it with assets/make_digits.py (see assets/README.md)"


class AssetError(RuntimeError):
    pass


def load_digits(path: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The UCI optical digits: images (n, 8, 8) uint8 in 0..16 and labels (n,) uint8 in 0..9."""
    path = ASSETS / "digits.npz" if path is None else Path(path)
    if not path.is_file():
        raise AssetError(f"{path.name} is missing: {DIGITS_FIX}")
    try:
        with np.load(path, allow_pickle=False) as data:
            images, labels = data["images"], data["labels"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        reason = type(exc).__name__
        raise AssetError(f"{path.name} cannot be read ({reason}): {DIGITS_FIX}") from None
    n = len(labels)
    if (
        images.shape != (n, 8, 8) or n < 100
        or images.dtype != np.uint8 or labels.dtype != np.uint8
        or images.max() > 16 or labels.max() > 9
    ):
        raise AssetError(f"{path.name} does not hold 8×8 digits: {DIGITS_FIX}")
    return images, labels
