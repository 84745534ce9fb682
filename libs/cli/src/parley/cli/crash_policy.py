"""What happens when a child process exits on its own (pure: the supervisor asks, this decides).

Policy: restart with exponential backoff (1 s, 2 s, 4 s) up to 3 times; a process that had
been up for at least a minute before it crashed starts counting afresh. One crash more than
that and the whole stack stops with a non-zero exit: a service that keeps dying needs a human.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Restart:
    attempt: int  # 1 for the first restart
    delay_s: float


@dataclass(frozen=True)
class GiveUp:
    crashes: int


@dataclass(frozen=True)
class CrashPolicy:
    max_restarts: int = 3
    first_delay_s: float = 1.0
    stable_after_s: float = 60.0

    def after_crash(self, restarts_so_far: int, uptime_s: float) -> Restart | GiveUp:
        if uptime_s >= self.stable_after_s:
            restarts_so_far = 0
        if restarts_so_far >= self.max_restarts:
            return GiveUp(crashes=restarts_so_far + 1)
        return Restart(attempt=restarts_so_far + 1, delay_s=self.first_delay_s * 2**restarts_so_far)
