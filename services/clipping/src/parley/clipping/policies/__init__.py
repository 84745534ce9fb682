"""Reactions to events, each idempotent and deciding on the current state:
``when_<event>_<action>.py``."""
