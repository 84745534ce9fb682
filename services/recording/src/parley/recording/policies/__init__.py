"""Reactions to room's events: ``when_<event>_<action>.py``, one Policy each."""
