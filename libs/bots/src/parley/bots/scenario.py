"""The scripted Space of ``parley demo``: a host and two speakers take turns playing their own
tone (440, 660 and 880 Hz) while listeners record, then who heard what.

1. register the host, two speakers and N listeners;
2. the host creates and starts a Space and connects its audio;
3. everyone else joins and connects to receive; the speakers ask to speak, the host accepts
   them and they reconnect their audio to send (now that they are on stage);
4. three turns of ``seconds / 3``: the turn's speaker unmutes through the API, then mutes;
5. the host ends the Space, everyone hangs up, and each recording is judged.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field

import httpx

from parley.bots.bot import Bot
from parley.bots.errors import ApiError
from parley.bots.report import Hearing, Turn, hear, problems, render, render_indicators
from parley.bots.sources import ToneTrack

PASSWORD = "parley demo bots"
STAGE_TONES_HZ = (440.0, 660.0, 880.0)  # host, speaker1, speaker2
CONCURRENCY = 8  # requests (and media handshakes) in flight at once
FIRST_AUDIO_TIMEOUT_S = 15.0
# How long the relay may take to learn of a join, a start or a promotion that room decided.
RELAY_PATIENCE_S = 15.0

Say = Callable[[str], None]


@dataclass(frozen=True)
class DemoOptions:
    base_url: str
    listeners: int = 20
    seconds: float = 30.0
    title: str = "Parley demo"


@dataclass
class DemoResult:
    hearings: list[Hearing] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    table: str = ""
    indicators: str = ""  # what getSpace's speaking indicators showed, turn by turn
    failures: list[str] = field(default_factory=list)  # "<bot>: <problem>"

    @property
    def ok(self) -> bool:
        return bool(self.hearings) and not self.failures


@dataclass
class Cast:
    host: Bot
    speakers: list[Bot]
    listeners: list[Bot]

    @property
    def stage(self) -> list[Bot]:
        return [self.host, *self.speakers]

    @property
    def everyone(self) -> list[Bot]:
        return [*self.stage, *self.listeners]

    def role(self, bot: Bot) -> str:
        if bot is self.host:
            return "host"
        return "speaker" if bot in self.speakers else "listener"


async def run_demo(options: DemoOptions, say: Say) -> DemoResult:
    run = secrets.token_hex(3)
    cast = Cast(
        host=Bot(options.base_url, name="host"),
        speakers=[Bot(options.base_url, name=f"speaker{n}") for n in (1, 2)],
        listeners=[
            Bot(options.base_url, name=f"listener{n:02d}") for n in range(1, options.listeners + 1)
        ],
    )
    try:
        return await _play(cast, options, run, say)
    finally:
        await _each(cast.everyone, lambda bot: bot.close())


async def _play(cast: Cast, options: DemoOptions, run: str, say: Say) -> DemoResult:
    started = time.perf_counter()
    await _each(cast.everyone, lambda bot: bot.register(handle(bot.name, run), PASSWORD))
    say(
        f"registered the host, {len(cast.speakers)} speakers and {len(cast.listeners)} "
        f"listeners{_took(started)}"
    )

    started = time.perf_counter()
    space = await cast.host.create_space(options.title, description="bots taking turns")
    await cast.host.start_space()
    tones = dict(zip(cast.stage, STAGE_TONES_HZ, strict=True))
    sources = {bot: ToneTrack(tone) for bot, tone in tones.items()}
    await cast.host.connect_media(space.id, sources[cast.host], patience_s=RELAY_PATIENCE_S)
    say(f"the host started the Space {space.id} and connected its audio{_took(started)}")
    try:
        return await _on_air(cast, options, space.id, tones, sources, say)
    finally:
        try:
            await cast.host.end_space()
            say("the host ended the Space")
        except (ApiError, httpx.HTTPError) as error:
            say(f"warning: the host could not end the Space: {error}")


async def _on_air(
    cast: Cast,
    options: DemoOptions,
    space_id: str,
    tones: dict[Bot, float],
    sources: dict[Bot, ToneTrack],
    say: Say,
) -> DemoResult:
    started = time.perf_counter()
    audience = [*cast.speakers, *cast.listeners]
    await _each(audience, lambda bot: bot.join(space_id))
    await _each(audience, lambda bot: bot.connect_media(space_id, patience_s=RELAY_PATIENCE_S))
    say(f"{len(audience)} bots joined and are receiving audio{_took(started)}")

    started = time.perf_counter()
    for speaker in cast.speakers:
        await speaker.request_to_speak()
        await cast.host.accept_request(speaker.user_id)
    await _each(
        cast.speakers, lambda bot: bot.reconnect_media(sources[bot], patience_s=RELAY_PATIENCE_S)
    )
    refused = [bot.name for bot in cast.stage if not (bot.media and bot.media.can_publish)]
    if refused:
        say(f"warning: the relay does not let {', '.join(refused)} publish")
    say(
        f"the host brought {', '.join(b.name for b in cast.speakers)} on stage; they "
        f"reconnected to send{_took(started)}"
    )
    await _first_audio(cast.everyone, say)

    turns = await _take_turns(cast.stage, tones, options.seconds, say)
    await _each(cast.everyone, lambda bot: bot.hangup())
    say("everyone hung up")
    return judge(cast, turns)


async def _take_turns(
    stage: Sequence[Bot], tones: dict[Bot, float], seconds: float, say: Say
) -> list[Turn]:
    turn_s = seconds / len(stage)
    names = {bot.user_id: bot.name for bot in stage}
    turns: list[Turn] = []
    previous: Bot | None = None
    for number, speaker in enumerate(stage, start=1):
        say(
            f"turn {number}/{len(stage)}: {speaker.name} speaks ({tones[speaker]:g} Hz) "
            f"for {turn_s:.1f}s"
        )
        if previous is not None:
            await previous.set_mic(False)
        start = time.perf_counter()
        await speaker.set_mic(True)
        indicated: set[str] = set()
        watching = asyncio.create_task(_watch_speaking(stage[0], names, turn_s, indicated))
        await asyncio.sleep(max(0.0, start + turn_s - time.perf_counter()))
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching
        end = time.perf_counter()
        turns.append(Turn(speaker.name, tones[speaker], start, end, frozenset(indicated)))
        previous = speaker
    if previous is not None:
        await previous.set_mic(False)
    return turns


async def _watch_speaking(
    viewer: Bot, names: dict[str, str], turn_s: float, indicated: set[str]
) -> None:
    """Who getSpace says is speaking, from a quarter into the turn until it is cancelled."""
    await asyncio.sleep(turn_s / 4)
    while True:
        with contextlib.suppress(ApiError, httpx.HTTPError):
            space = await viewer.get_space()
            members = [space.host, *space.cohosts, *space.speakers]
            speaking = {m.user_id for m in members if m.speaking} | set(space.speaking)
            indicated.update(names.get(user_id, user_id) for user_id in speaking)
        await asyncio.sleep(max(0.25, turn_s / 8))


async def _first_audio(bots: Iterable[Bot], say: Say) -> None:
    """Until every bot received some audio (the relay sends its program continuously); a
    warning, not a failure, for those that did not: the verdict says what they missed."""
    silent = []
    for bot in bots:
        recorder = bot.recorder
        try:
            if recorder is None:
                raise TimeoutError
            await recorder.wait_for_frames(1, timeout_s=FIRST_AUDIO_TIMEOUT_S)
        except TimeoutError:
            silent.append(bot.name)
    if silent:
        say(f"warning: no audio at all yet for {', '.join(silent)}")


def judge(cast: Cast, turns: Sequence[Turn]) -> DemoResult:
    hearings = [hear(bot.name, cast.role(bot), bot.recorder, turns) for bot in cast.everyone]
    failures = [
        f"{hearing.name}: {problem}" for hearing in hearings for problem in problems(hearing, turns)
    ]
    return DemoResult(
        hearings, list(turns), render(hearings, turns), render_indicators(turns), failures
    )


async def _each(bots: Iterable[Bot], act: Callable[[Bot], Awaitable[object]]) -> None:
    """``act`` on every bot, a few at a time; the first error is raised once all are done."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(bot: Bot) -> object:
        async with gate:
            return await act(bot)

    outcomes = await asyncio.gather(*(one(bot) for bot in bots), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome


def handle(name: str, run: str) -> str:
    """A handle that fits identity's 3-15 characters: ``l07_3fa2c1`` for listener07."""
    short = name.replace("listener", "l").replace("speaker", "s")
    return f"{short}_{run}"


def _took(started: float) -> str:
    return f" ({time.perf_counter() - started:.1f}s)"
