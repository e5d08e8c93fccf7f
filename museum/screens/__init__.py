"""One module per screen; import the one you need (the lobby should not pay for the rest)."""
