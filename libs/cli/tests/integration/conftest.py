import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the helper modules next to this file

from fake_stack import FakeStacks


@pytest.fixture
def stacks(tmp_path: Path) -> Iterator[FakeStacks]:
    started = FakeStacks(tmp_path)
    yield started
    started.kill_all()
