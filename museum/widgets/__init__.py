"""Reusable displays for every room. None of them imports torch.

Each is imported when first asked for (``from museum.widgets import LabView``): the lobby,
painted first, needs none of them, and importing them all up front cost first paint ~8 ms.
"""

from __future__ import annotations

import importlib

_MODULE_OF = {
    "BlockImage": "blocks", "shade": "blocks",
    "Field": "field", "FieldPanel": "field", "line_region": "field",
    "Heatmap": "heatmap",
    "LabView": "labview",
    "ClaimLine": "status", "ControlLine": "status",
    "TextBox": "textbox",
}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
