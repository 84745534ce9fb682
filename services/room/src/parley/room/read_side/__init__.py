"""The room service's read side: discovery, analytics, notifications, reactions and listener
counts, fed by projections of the ROOM stream (see ``wiring.build_read_side``)."""
