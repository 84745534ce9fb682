"""``parley demo`` against the real stack: bots on stage take turns over WebRTC through the
media relay, and every listener hears every speaker (exit code 0 and the table saying so)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from parley_up import NOT_INHERITED, ParleyUp

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
    indicators = re.search(r"speaking indicators: (.*)$", done.stdout, re.M)
    assert indicators, output
    for number, speaker in enumerate(("host", "speaker1", "speaker2"), start=1):
        assert re.search(rf"turn {number}: [\w, ]*\b{speaker}\b", indicators[1]), output
    assert "every bot heard what it should: 3 listeners heard all 3 stage members" in done.stdout


def test_without_a_url_the_demo_runs_its_own_stack_and_stops_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env["TMPDIR"] = str(tmp_path)  # where the demo keeps the stack's data (removed when done)
    command = [sys.executable, "-m", "parley.cli.main", "demo", "--listeners", "1"]
    command += ["--seconds", "4.5"]

    done = subprocess.run(
        command, capture_output=True, text=True, timeout=110, check=False, env=env, cwd=tmp_path
    )

    output = f"--- stdout:\n{done.stdout}\n--- stderr:\n{done.stderr}"
    assert done.returncode == 0, output
    assert re.search(r"the stack is up at http://127\.0\.0\.1:\d+", done.stdout), output
    assert "every bot heard what it should: 1 listener heard all 3" in done.stdout, output
    assert done.stdout.rstrip().endswith("the stack stopped"), output
    assert list(tmp_path.iterdir()) == [], "the demo's temporary data directory is left over"
