"""Attention, 2017–2019."""
