import os
import subprocess
import sys

from parley.cli.processes import alive, descendants, parse_stat


def test_parses_state_and_parent_even_with_odd_command_names() -> None:
    assert parse_stat("42 (python) S 7 42 42 0 -1") == ("S", 7)
    assert parse_stat("43 (a) b (c)) Z 1 43 43 0 -1") == ("Z", 1)


def test_finds_a_child_and_sees_it_gone_once_reaped() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in descendants(os.getpid())
        assert alive(child.pid)
    finally:
        child.kill()
        child.wait()
    assert not alive(child.pid)
