"""Replays: a Space's recording, its audio with HTTP ``Range`` read from the ``recordings``
object store, its plays, the host's history and delete (ADR 22)."""
