"""A corpus every machine already has: the docstrings of the Python standard library.

Shared by the room's text labs (BERT's masked words, GPT's characters). Read at run time from
the installed stdlib's source, so nothing is downloaded or shipped; its exact size changes with
the Python version, so claims over it keep a margin.
"""

from __future__ import annotations

import ast
import re
import sysconfig
from functools import lru_cache
from pathlib import Path

SKIP = {"test", "tests", "idlelib", "lib2to3", "site-packages", "dist-packages", "__pycache__"}


def stdlib_sources() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(
        p for p in root.rglob("*.py")
        if not SKIP.intersection(p.relative_to(root).parts)
    )


@lru_cache(maxsize=1)
def docstrings() -> tuple[str, ...]:
    """Every module, class and function docstring, in a fixed order (sorted paths, then AST
    order)."""
    found: list[str] = []
    for path in stdlib_sources():
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, OSError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                if doc and doc.strip():
                    found.append(doc.strip())
    return tuple(found)


# --- splits and tokens, shared by bert (words) and gpt (characters) ---------------------------

HELD_OUT_EVERY = 10  # every 10th distinct docstring is held out: a fixed split, whatever the seed
WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def split() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(train, held_out) docstrings. Exact duplicates are dropped first (the stdlib repeats
    e.g. "Return self==value." many times), so no held-out text was seen verbatim in training."""
    distinct = tuple(dict.fromkeys(docstrings()))
    train = tuple(d for i, d in enumerate(distinct) if i % HELD_OUT_EVERY)
    held_out = tuple(d for i, d in enumerate(distinct) if i % HELD_OUT_EVERY == 0)
    return train, held_out


def words(text: str) -> list[str]:
    """Lower-case runs of ASCII letters: "Return the file's size." -> return the file s size.
    Digits, punctuation and any other character separate words and are dropped."""
    return WORD.findall(text.lower())
