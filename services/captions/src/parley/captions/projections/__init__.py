"""Captions' read models, rebuildable from their streams: the Spaces and whether they are
captioned (ROOM), and the transcripts (CAPTIONS)."""
