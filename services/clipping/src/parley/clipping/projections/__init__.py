"""Read models of the clipping database, each rebuildable from its stream: the Spaces it may
clip (``spaces.py``, from ROOM), their recordings (``recordings.py``, from RECORDING) and the
clips (``clips.py``, from CLIPPING)."""
