"""One small module per command or query of room's contract, ``(deps, payload, ctx) -> result``:
commands load → decide → append, then answer; queries read room's read models. ``spaces.py``
holds what the commands share, ``dependencies.py`` what they all work with."""
