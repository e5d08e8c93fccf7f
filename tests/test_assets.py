"""Shipped data: the digits load as documented, and a bad file says how to make it again."""

import numpy as np
import pytest

from museum.lab.assets import AssetError, load_digits


def test_the_shipped_digits_are_the_uci_set():
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    assert images.dtype == np.uint8 and images.max() == 16 and images.min() == 0
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


@pytest.mark.parametrize("content", [None, b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_a_missing_or_damaged_file_names_the_regenerate_command(tmp_path, content):
    path = tmp_path / "digits.npz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(AssetError, match="make_digits.py"):
        load_digits(path)


def test_a_foreign_npz_is_refused(tmp_path):
    path = tmp_path / "digits.npz"
    np.savez(path, images=np.zeros((5, 28, 28), np.float32), labels=np.zeros(5, np.int64))
    with pytest.raises(AssetError, match="8×8"):
        load_digits(path)
    np.savez(path, something_else=np.zeros(3))
    with pytest.raises(AssetError, match="cannot be read"):
        load_digits(path)
