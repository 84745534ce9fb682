"""The identity decider: pure rules over one user's events, no I/O."""
