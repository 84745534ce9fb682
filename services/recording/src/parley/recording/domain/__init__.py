"""Recording's pure parts: the recording decider (``recording.py``) and how feed packets become
the recording's timeline (``timeline.py``). The Ogg Opus muxer is shared with clipping:
``parley.contracts.ogg_opus``."""
