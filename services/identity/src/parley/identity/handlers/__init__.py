"""One module per command (load → decide → append, then answer from the read models) or query
(answer from the read models); each is ``(deps, payload, ctx) -> result``."""
