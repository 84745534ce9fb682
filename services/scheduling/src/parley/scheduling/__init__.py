"""Parley scheduling: Spaces scheduled for later, their reminders and their timers."""
