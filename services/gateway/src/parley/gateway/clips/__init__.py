"""Clips: make one, read it, play it (the clipping service; the audio from the object store)."""
