"""Notifications: the caller's inbox, kept by the room service."""
