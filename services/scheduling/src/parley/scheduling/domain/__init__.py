"""The scheduling deciders: pure, no I/O. A host's schedule (``schedule.py``) and one user's
reminder (``reminders.py``); the rules of a Space's fields and time in ``rules.py``."""
