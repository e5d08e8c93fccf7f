"""Reusable displays for every room. None of them imports torch."""

from museum.widgets.blocks import BlockImage, shade
from museum.widgets.field import Field, FieldPanel, line_region
from museum.widgets.heatmap import Heatmap
from museum.widgets.labview import LabView
from museum.widgets.status import ClaimLine, ControlLine
from museum.widgets.textbox import TextBox

__all__ = [
    "BlockImage", "ClaimLine", "ControlLine", "Field", "FieldPanel", "Heatmap", "LabView",
    "line_region", "shade", "TextBox",
]
