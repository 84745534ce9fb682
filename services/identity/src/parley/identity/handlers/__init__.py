"""One module per command: load → decide → append, then answer from the read models."""
