"""Benchmarks measured from outside, as a visitor sees the museum: in a pseudo-terminal.

Run them as modules from the repository root: ``python -m benchmarks.startup`` and
``python -m benchmarks.responsiveness`` (see benchmarks/README.md).
"""
