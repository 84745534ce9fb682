"""One module per command or query, ``(deps, payload, ctx) -> result``; ``capture.py`` records
one Space from the feed to its finished object."""
