"""The Museum of Neural Networks: a terminal museum of neural-network history, 1943–2025."""

__version__ = "0.1.0"
