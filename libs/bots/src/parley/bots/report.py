"""Who heard what in a scripted Space: for each bot and each turn, which stage tones were in
what it recorded, against what it should have heard (everyone hears the speaker of the turn,
except the speaker, who never hears themselves). Pure, apart from reading recorders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parley.bots.analysis import has_tone
from parley.bots.recorder import Recorder
from parley.bots.sources import SAMPLE_RATE

# A turn's first moments are not judged: the mic change travels API -> room -> relay, and the
# audio through the relay's and the bot's jitter buffers.
MAX_SETTLE_S = 1.0


@dataclass(frozen=True)
class Turn:
    speaker: str  # the name of the stage member whose turn it is
    frequency_hz: float  # the tone they play
    start: float  # perf_counter when they unmuted
    end: float  # perf_counter when they muted again
    indicated: frozenset[str] = frozenset()  # whom getSpace showed as speaking meanwhile

    @property
    def settle_s(self) -> float:
        return min(MAX_SETTLE_S, 0.25 * (self.end - self.start))

    @property
    def judged_from(self) -> float:
        return self.start + self.settle_s


@dataclass(frozen=True)
class Hearing:
    """What one bot heard: per turn the tones found, and the share of non-silent audio."""

    name: str
    role: str
    heard: tuple[frozenset[float], ...]
    audible_share: float


def expected(name: str, turn: Turn) -> frozenset[float]:
    return frozenset() if turn.speaker == name else frozenset({turn.frequency_hz})


def hear(name: str, role: str, recorder: Recorder | None, turns: Sequence[Turn]) -> Hearing:
    """Judge one bot's recording (nothing heard without one)."""
    tones = sorted({turn.frequency_hz for turn in turns})
    heard: list[frozenset[float]] = []
    for turn in turns:
        pcm = recorder.pcm(turn.judged_from, turn.end) if recorder else None
        found = (
            {tone for tone in tones if has_tone(pcm, SAMPLE_RATE, tone)}
            if pcm is not None and pcm.size
            else set()
        )
        heard.append(frozenset(found))
    share = 0.0
    if recorder is not None and turns:
        share = recorder.audible_share(turns[0].judged_from, turns[-1].end)
    return Hearing(name, role, tuple(heard), share)


def problems(hearing: Hearing, turns: Sequence[Turn]) -> list[str]:
    """What went wrong for this bot, one phrase each (none: it heard exactly what it should)."""
    found = []
    for number, (turn, heard) in enumerate(zip(turns, hearing.heard, strict=True), start=1):
        want = expected(hearing.name, turn)
        for tone in sorted(want - heard):
            found.append(f"missed {turn.speaker} ({tone:g} Hz) in turn {number}")
        for tone in sorted(heard - want):
            who = "itself" if tone == turn.frequency_hz else f"{tone:g} Hz"
            found.append(f"heard {who} in turn {number}")
    return found


def render(hearings: Sequence[Hearing], turns: Sequence[Turn]) -> str:
    """The table of who heard what, one row per bot."""
    headers = [
        "bot",
        "role",
        *(f"turn {n}: {t.speaker} {t.frequency_hz:g} Hz" for n, t in enumerate(turns, 1)),
        "audible",
        "verdict",
    ]
    rows = [
        [
            hearing.name,
            hearing.role,
            *(
                _cell(heard, expected(hearing.name, turn))
                for heard, turn in zip(hearing.heard, turns, strict=True)
            ),
            f"{hearing.audible_share:.0%}",
            "; ".join(problems(hearing, turns)) or "ok",
        ]
        for hearing in hearings
    ]
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    lines = [_line(headers, widths), _line(["-" * width for width in widths], widths)]
    lines.extend(_line(row, widths) for row in rows)
    return "\n".join(lines)


def render_indicators(turns: Sequence[Turn]) -> str:
    """What the speaking indicators (getSpace's ``speaking``) showed in each turn."""
    shown = [
        f"turn {number}: {', '.join(sorted(turn.indicated)) or 'nobody'}"
        for number, turn in enumerate(turns, start=1)
    ]
    return "speaking indicators: " + "; ".join(shown)


def _cell(heard: frozenset[float], want: frozenset[float]) -> str:
    if not heard and not want:
        return "silence (own turn)"
    names = [f"{tone:g} Hz" + ("" if tone in want else " (!)") for tone in sorted(heard)]
    names.extend(f"MISSED {tone:g} Hz" for tone in sorted(want - heard))
    return ", ".join(names) or "-"


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
