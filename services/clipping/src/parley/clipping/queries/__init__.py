"""Reads of clipping's read models, used by its handlers and policies."""
