"""Backpropagation, 1970–1989."""
