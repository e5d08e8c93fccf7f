"""Reusable displays for every room. None of them imports torch."""

from museum.widgets.blocks import BlockImage, shade
from museum.widgets.field import Field
from museum.widgets.heatmap import Heatmap
from museum.widgets.labview import LabView
from museum.widgets.status import ClaimLine, ControlLine

__all__ = ["BlockImage", "ClaimLine", "ControlLine", "Field", "Heatmap", "LabView", "shade"]
