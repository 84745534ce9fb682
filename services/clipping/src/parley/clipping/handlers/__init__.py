"""One module per command, query or piece of work: ``(deps, payload, ctx) -> result``."""
