"""Parley recording: a recorded Space's program captured without loss into the object store,
replayable after the end (spec §7)."""
