"""Room's unit tests: pure deciders, views and live messages, no I/O."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # the helper module next to this file
