"""Parley clipping: 30-second clips of recorded Spaces, live or from the replay."""
