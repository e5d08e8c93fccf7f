"""Foundations, 1943–1969."""
