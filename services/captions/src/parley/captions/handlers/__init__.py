"""One module per query or piece of work: (deps, payload[, ctx]) -> result."""
