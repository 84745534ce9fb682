"""``parley demo`` against the real stack: bots on stage take turns over WebRTC through the
media relay, and every listener hears every speaker (exit code 0 and the table saying so)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from parley_up import ParleyUp

from parley.cli.registry import Service, is_installed

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not is_installed(Service("media_relay")),
        reason="the media relay is not installed (services/media_relay has no __main__.py)",
    ),
]

LISTENERS = 3


def test_every_listener_hears_every_speaker_in_turn(stack: ParleyUp) -> None:
    command = [sys.executable, "-m", "parley.cli.main", "demo", "--url", stack.url]
    command += ["--listeners", str(LISTENERS), "--seconds", "9"]

    done = subprocess.run(command, capture_output=True, text=True, timeout=100, check=False)

    output = f"--- stdout:\n{done.stdout}\n--- stderr:\n{done.stderr}"
    assert done.returncode == 0, output
    assert "turn 3/3: speaker2 speaks (880 Hz)" in done.stdout, output
    rows = {
        match["bot"]: match["row"]
        for match in re.finditer(r"^parley \| (?P<bot>\w+) +(?P<row>\S.*)$", done.stdout, re.M)
    }
    for listener in (f"listener{n:02d}" for n in range(1, LISTENERS + 1)):
        assert re.fullmatch(r"listener +440 Hz +660 Hz +880 Hz +\d+% +ok", rows[listener]), output
    assert "silence (own turn)" in rows["host"], output
    assert rows["speaker1"].endswith("ok"), output
    assert "every bot heard what it should: 3 listeners heard all 3 stage members" in done.stdout
