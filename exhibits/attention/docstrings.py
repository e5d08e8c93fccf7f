"""A corpus every machine already has: the docstrings of the Python standard library.

Shared by the room's text labs (BERT's masked words, GPT's characters). Read at run time from
the installed stdlib's source, so nothing is downloaded or shipped; its exact size changes with
the Python version, so claims over it keep a margin.
"""

from __future__ import annotations

import ast
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
    """Every module, class and function docstring, in a fixed order (sorted paths, then AST order)."""
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
