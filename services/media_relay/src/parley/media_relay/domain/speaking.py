"""Speaking indicators: per-speaker levels in, the set of active speakers out.

Someone starts "speaking" when their level passes ``on_dbov`` and stops after ``hold_ms`` below
``off_dbov`` (hysteresis and hang-over, so the ring does not flicker between words). The set is
announced only when it changes, loudest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass
class SpeakingDetector:
    on_dbov: float = -42.0
    off_dbov: float = -50.0
    hold_ms: float = 400.0
    _last_loud_ms: dict[str, float] = field(default_factory=dict)
    _levels: dict[str, float] = field(default_factory=dict)
    _announced: tuple[str, ...] = ()

    def update(self, now_ms: float, levels: Mapping[str, float]) -> tuple[str, ...] | None:
        """Feed one tick of levels (absent = silent); returns the new ordered set when the
        membership changed, else ``None``."""
        for user, level in levels.items():
            self._levels[user] = level
            speaking = user in self._last_loud_ms
            threshold = self.off_dbov if speaking else self.on_dbov
            if level >= threshold:
                self._last_loud_ms[user] = now_ms
        for user in list(self._last_loud_ms):
            if user not in levels:
                self._levels[user] = -127.0
            if now_ms - self._last_loud_ms[user] > self.hold_ms:
                del self._last_loud_ms[user]
        loudest_first = sorted(
            self._last_loud_ms, key=lambda user: self._levels.get(user, -127.0), reverse=True
        )
        active = tuple(loudest_first)
        if set(active) == set(self._announced):
            return None
        self._announced = active
        return active

    def forget(self, user_id: str) -> tuple[str, ...] | None:
        """Someone cannot be heard any more (muted, left): they stop speaking at once."""
        self._last_loud_ms.pop(user_id, None)
        self._levels.pop(user_id, None)
        if user_id not in self._announced:
            return None
        self._announced = tuple(user for user in self._announced if user != user_id)
        return self._announced

    @property
    def active(self) -> tuple[str, ...]:
        return self._announced

    def levels(self) -> dict[str, float]:
        return {user: round(self._levels.get(user, -127.0), 1) for user in self._announced}
