"""NumPy's BLAS thread count, read and set through ctypes when that BLAS is OpenBLAS.

NumPy's BLAS (OpenBLAS in the usual wheels) starts its own threads, one per core, and does
not follow torch.set_num_threads. The museum runs a lab with one thread fewer than the
cores, and on a busy machine OpenBLAS's extra threads wait on each other: measured on a
shared 2-core machine, NumPy's n=128 product fell to 0.1 GFLOP/s while torch on one thread
did ~90. So for the time of each NumPy measurement the lab asks OpenBLAS for as many threads
as torch uses, and then puts the old count back; both backends then get the same cores.

Only a library already loaded into this process is touched (found in /proc/self/maps, so
Linux only); anywhere else, or with another BLAS, the helpers answer None and change nothing.
"""

from __future__ import annotations

import ctypes
import os
from contextlib import contextmanager

_NAMES = (  # (get, set): NumPy >= 2 wheels ship scipy-openblas; older ones plain OpenBLAS
    ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
    ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
    ("openblas_get_num_threads", "openblas_set_num_threads"),
)
_found: list = []  # [(get, set)] or [None], looked up once


def _openblas():
    if _found:
        return _found[0]
    _found.append(None)
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return None
    for path in sorted(p for p in paths if os.path.isabs(p)):
        try:
            lib = ctypes.CDLL(path)  # already loaded: this returns the same library
        except OSError:
            continue
        for get_name, set_name in _NAMES:
            get, put = getattr(lib, get_name, None), getattr(lib, set_name, None)
            if get is not None and put is not None:
                get.restype, get.argtypes = ctypes.c_int, []
                put.restype, put.argtypes = None, [ctypes.c_int]
                _found[0] = (get, put)
                return _found[0]
    return None


def threads() -> int | None:
    """OpenBLAS's thread count now, or None when it cannot be read."""
    found = _openblas()
    return int(found[0]()) if found else None


@contextmanager
def limited(n: int):
    """Run the block with OpenBLAS on ``n`` threads (if it can be set); yields the count used."""
    found = _openblas()
    if not found:
        yield None
        return
    get, put = found
    before = int(get())
    put(max(1, int(n)))
    try:
        yield int(get())
    finally:
        put(before)
