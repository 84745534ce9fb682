"""What ``parley up`` shows: its own progress lines, every child's output prefixed with the
child's name, and loud banners on stderr when something dies. Formatting is pure."""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from parley.cli.crash_policy import CrashPolicy, GiveUp, Restart

SELF = "parley"
_RULE = "!" * 78


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


def describe_stop(returncode: int) -> str:
    """How a child ended after we sent it SIGTERM. Servers such as uvicorn re-raise SIGTERM
    once they have shut down gracefully, so that counts as clean too."""
    if returncode in (0, -signal.SIGTERM):
        return "cleanly"
    return f"uncleanly: {describe_exit(returncode)}"


def short(path: Path) -> str:
    """A path relative to the working directory when it is below it (shorter to read)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def prefixed(name: str, width: int, line: str) -> str:
    return f"{name:<{width}} | {line}"


def crash_banner(
    name: str,
    returncode: int,
    last_lines: Sequence[str],
    log_file: Path,
    decision: Restart | GiveUp,
    policy: CrashPolicy,
) -> str:
    if isinstance(decision, Restart):
        verdict = (
            f"restarting {name} in {decision.delay_s:g}s "
            f"(restart {decision.attempt} of {policy.max_restarts})"
        )
    else:
        verdict = f"{name} crashed {decision.crashes} times in a row: stopping the stack"
    lines = [
        _RULE,
        f"!! SERVICE CRASHED: {name} ({describe_exit(returncode)})",
        f"!! last {len(last_lines)} lines of {log_file}:",
        *(f"!!   {line}" for line in last_lines),
        f"!! {verdict}",
        _RULE,
    ]
    return "\n".join(lines)


def failure_banner(headline: str, details: Sequence[str] = ()) -> str:
    return "\n".join([_RULE, f"!! {headline}", *(f"!!   {line}" for line in details), _RULE])


class Terminal:
    """Writes to the real terminal; one instance per ``parley up``."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self._out = out or sys.stdout
        self._err = err or sys.stderr
        self.width = len(SELF)

    def fit(self, names: Sequence[str]) -> None:
        self.width = max([len(SELF), *(len(name) for name in names)])

    def say(self, message: str) -> None:
        self._write(self._out, prefixed(SELF, self.width, message))

    def child(self, name: str, line: str) -> None:
        self._write(self._out, prefixed(name, self.width, line))

    def alarm(self, text: str) -> None:
        self._out.flush()  # so the banner lands after the output that led to it
        self._write(self._err, text)

    @staticmethod
    def _write(stream: TextIO, text: str) -> None:
        try:
            stream.write(text + "\n")
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # nobody is reading any more; keep supervising regardless
