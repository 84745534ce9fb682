"""One module per command or query: ``(deps, payload, ctx) -> result``; ``schedules.py`` holds
what they share (running the deciders, finding a Space's host, the view, the timers)."""
