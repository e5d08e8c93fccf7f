"""The recordings the snapshots draw are what the labs really produce today."""

import platform

import numpy as np
import pytest

from museum.catalog import load
from museum.lab.loop import resolve
from tests.recorded import RECORDINGS, record, recorded_with, save
from tests.recorded import load as load_recording

SLUGS = load().slugs
# Their text is this Python's own standard library, which changes between Python versions:
# recorded with another version, only the structure can match.
STDLIB_CORPUS = {"bert", "gpt"}


def same(a, b, path="update"):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), atol=1e-6,
                                   err_msg=path)
    elif isinstance(a, dict):
        assert set(a) == set(b), path
        for key in a:
            same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and not (a != a and b != b):  # NaN pads a late metric's history
        assert a == pytest.approx(b, abs=1e-6), path
    else:
        assert a == b, path


def same_shape(a, b, path="update", text=True):
    """For labs that measure time: the same structure and keys, not the same numbers."""
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for key in a:
            same_shape(a[key], b[key], f"{path}.{key}", text)
    elif isinstance(a, np.ndarray):
        assert np.shape(a) == np.shape(b), path
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            same_shape(x, y, f"{path}[{i}]", text)
    elif isinstance(a, str) and not text:  # generated text differs with the corpus
        assert isinstance(b, str), path
    elif not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        assert a == b, path


@pytest.mark.parametrize("slug", SLUGS)
def test_every_exhibit_has_a_recording_that_matches_a_fresh_run(slug, tmp_path):
    path = RECORDINGS / f"{slug}.npz"
    assert path.exists(), f"record it: python -m tests.recorded {slug}"
    recorded = load_recording(path)
    fresh = record(slug, recorded.step)
    save(fresh, tmp_path / "fresh.npz")  # compare through the same file format
    fresh = vars(load_recording(tmp_path / "fresh.npz"))
    if slug in STDLIB_CORPUS and recorded_with(path) != platform.python_version():
        same_shape(fresh, vars(recorded), text=False)
    elif getattr(resolve(load().get(slug).lab), "deterministic", True):
        same(fresh, vars(recorded))
    else:
        same_shape(fresh, vars(recorded))


def test_recordings_load_without_pickle():
    for path in RECORDINGS.glob("*.npz"):
        with np.load(path, allow_pickle=False) as data:
            assert all(data[k].dtype != object for k in data.files)
