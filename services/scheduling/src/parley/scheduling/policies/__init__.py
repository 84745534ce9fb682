"""Reactions to other contexts' events: ``when_<event>_<action>.py``, one Policy each."""
