"""Regenerate assets/digits.npz from scikit-learn's copy of the UCI optical digits.

scikit-learn is needed only here, never when the museum runs:

    python3 -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-learn numpy
    /tmp/sk/bin/python assets/make_digits.py

The file holds ``images`` (uint8, 1797×8×8, values 0–16) and ``labels`` (uint8, 0–9), in
scikit-learn's order. See assets/README.md for origin and licence.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

OUT = Path(__file__).resolve().parent / "digits.npz"


def main() -> None:
    digits = load_digits()
    images = digits.images.astype(np.uint8)  # (1797, 8, 8), 0..16
    labels = digits.target.astype(np.uint8)  # (1797,)
    assert images.shape == (1797, 8, 8) and images.max() == 16 and labels.max() == 9
    np.savez_compressed(OUT, images=images, labels=labels)
    print(f"wrote {OUT}: {images.shape[0]} images")


if __name__ == "__main__":
    main()
