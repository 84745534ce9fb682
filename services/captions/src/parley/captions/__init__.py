"""Parley captions: live captions per speaker, transcripts and their search, offline."""
