"""The process's transcription queue, without I/O: finals of every Space before any partial,
partials in turns, newer words and finals replacing partials not yet made (counted)."""

import asyncio

from parley.captions.domain.utterances import Utterance
from parley.captions.entrypoints.captioning import (
    MAX_WAITING,
    CaptioningStats,
    TranscriptionQueue,
)


def said(start_ms: int, end_ms: int) -> Utterance:
    return Utterance(start_ms=start_ms, end_ms=end_ms, pcm=bytes((end_ms - start_ms) * 32))


async def drain(queue: TranscriptionQueue) -> list[tuple[bool, str, str, int, int]]:
    taken = []
    while True:
        try:
            final, space, user, utterance = await asyncio.wait_for(queue.next(), 0.01)
        except TimeoutError:
            return taken
        taken.append((final, space, user, utterance.start_ms, utterance.end_ms))


async def test_every_spaces_finals_come_before_any_partial() -> None:
    stats = CaptioningStats()
    queue = TranscriptionQueue(stats)
    queue.partial("sp_a", "usr_ann", said(0, 1000))
    queue.partial("sp_b", "usr_bob", said(0, 1000))
    queue.final("sp_b", "usr_cy", said(0, 2500))
    queue.final("sp_a", "usr_dee", said(500, 3000))

    assert await drain(queue) == [
        (True, "sp_b", "usr_cy", 0, 2500),
        (True, "sp_a", "usr_dee", 500, 3000),
        (False, "sp_a", "usr_ann", 0, 1000),
        (False, "sp_b", "usr_bob", 0, 1000),
    ]
    assert (stats.partials_dropped, stats.finals_dropped) == (0, 0)


async def test_newer_words_and_the_final_replace_a_partial_not_yet_made() -> None:
    stats = CaptioningStats()
    queue = TranscriptionQueue(stats)
    queue.partial("sp_a", "usr_ann", said(0, 1000))
    queue.partial("sp_a", "usr_bob", said(0, 1000))
    queue.partial("sp_a", "usr_ann", said(0, 2000))  # Ann's newer words: her turn comes after Bob's
    queue.partial("sp_a", "usr_bob", said(0, 2000))
    queue.final("sp_a", "usr_bob", said(0, 2600))  # Bob finished: his partial goes

    assert await drain(queue) == [
        (True, "sp_a", "usr_bob", 0, 2600),
        (False, "sp_a", "usr_ann", 0, 2000),
    ]
    assert stats.partials_dropped == 3


async def test_a_spaces_backlog_is_bounded_and_a_stopped_spaces_work_goes() -> None:
    stats = CaptioningStats()
    queue = TranscriptionQueue(stats)
    for n in range(MAX_WAITING + 2):
        queue.final("sp_a", "usr_ann", said(n * 1000, n * 1000 + 500))
    queue.final("sp_b", "usr_bob", said(0, 500))  # another Space's backlog is its own
    queue.partial("sp_a", "usr_cy", said(0, 800))
    assert stats.finals_dropped == 2

    queue.forget("sp_a")

    assert await drain(queue) == [(True, "sp_b", "usr_bob", 0, 500)]
    queue.final("sp_a", "usr_ann", said(99_000, 99_500))  # captioned again: a fresh backlog
    assert await drain(queue) == [(True, "sp_a", "usr_ann", 99_000, 99_500)]
