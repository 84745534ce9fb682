"""Recording's pure parts: the recording decider (``recording.py``), how feed packets become
the recording's timeline (``timeline.py``) and the Ogg Opus muxer (``ogg_opus.py``)."""
