"""Transcripts over HTTP: a Space's transcript and search across every replay (the captions
service's routes)."""
