"""Read models of the clipping database, each rebuildable from its stream: the Spaces it may
clip (``spaces.py``, from ROOM), their recordings (``recordings.py``, from RECORDING), the
clips (``clips.py``, from CLIPPING) and captions' final segments (``caption_segments.py``,
from CAPTIONS). ``parley.chassis.projections.CatchUp`` waits until one of them has applied
its whole stream."""
