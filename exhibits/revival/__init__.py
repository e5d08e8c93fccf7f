"""The revival, 2006–2011."""
