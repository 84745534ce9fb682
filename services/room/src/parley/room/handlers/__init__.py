"""One small module per command or reaction: load → decide → append, then answer."""
