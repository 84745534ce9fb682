"""Reads of captions' read models, used by its handlers and the captioning supervisor."""
