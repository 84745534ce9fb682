"""Reactions to other contexts' events: none yet. Whether a Space is captioned is read from
room's events by a projection (``projections/spaces.py``), which the captioning supervisor
follows; search and clips' transcripts (issue 12's later parts) will react here."""
