"""Speaking indicators: hysteresis, hold time, loudest first, announced only on change."""

from __future__ import annotations

from parley.media_relay.domain.speaking import SpeakingDetector

LOUD = -20.0
BETWEEN = -45.0  # under "on" (-42), over "off" (-50)
QUIET = -60.0
TICK = 20.0


def detector() -> SpeakingDetector:
    return SpeakingDetector(on_dbov=-42.0, off_dbov=-50.0, hold_ms=400.0)


def test_starts_when_loud_enough() -> None:
    speaking = detector()
    assert speaking.update(0, {"a": QUIET}) is None
    assert speaking.update(20, {"a": LOUD}) == ("a",)
    assert speaking.active == ("a",)
    assert speaking.levels() == {"a": LOUD}


def test_hysteresis_a_level_between_the_thresholds_neither_starts_nor_stops() -> None:
    speaking = detector()
    for now in range(0, 1000, 20):
        assert speaking.update(now, {"a": BETWEEN}) is None  # never starts
    assert speaking.active == ()

    speaking.update(1000, {"a": LOUD})
    for now in range(1020, 3000, 20):
        assert speaking.update(now, {"a": BETWEEN}) is None  # never stops
    assert speaking.active == ("a",)


def test_stops_only_after_the_hold_time_below_off() -> None:
    speaking = detector()
    speaking.update(0, {"a": LOUD})
    now = 0.0
    while now < 400:  # quiet for up to the hold time: still speaking
        now += TICK
        assert speaking.update(now, {"a": QUIET}) is None
    assert speaking.active == ("a",)
    assert speaking.update(now + TICK, {"a": QUIET}) == ()
    assert speaking.active == ()


def test_absent_counts_as_silent() -> None:
    speaking = detector()
    speaking.update(0, {"a": LOUD, "b": LOUD})
    assert speaking.update(200, {"b": LOUD}) is None
    assert speaking.levels()["a"] == -127.0
    assert speaking.update(401, {"b": LOUD}) == ("b",)


def test_a_word_gap_shorter_than_the_hold_keeps_the_indicator_on() -> None:
    speaking = detector()
    speaking.update(0, {"a": LOUD})
    speaking.update(300, {"a": QUIET})
    assert speaking.update(380, {"a": LOUD}) is None  # back before the hold ran out
    assert speaking.update(700, {"a": QUIET}) is None  # the hold restarted at 380
    assert speaking.update(781, {"a": QUIET}) == ()


def test_loudest_first() -> None:
    speaking = detector()
    assert speaking.update(0, {"quiet": -30.0, "loud": -10.0, "mid": -20.0}) == (
        "loud",
        "mid",
        "quiet",
    )
    assert speaking.levels() == {"loud": -10.0, "mid": -20.0, "quiet": -30.0}


def test_announces_only_when_the_set_changes() -> None:
    speaking = detector()
    assert speaking.update(0, {"a": -10.0}) == ("a",)
    assert speaking.update(20, {"a": -12.0}) is None
    assert speaking.update(40, {"a": -30.0, "b": -10.0}) == ("b", "a")
    # the order changes, the membership does not: nothing to announce
    assert speaking.update(60, {"a": -5.0, "b": -30.0}) is None
    assert speaking.active == ("b", "a")


def test_forget_stops_someone_at_once() -> None:
    speaking = detector()
    speaking.update(0, {"a": LOUD, "b": -30.0})
    assert speaking.forget("a") == ("b",)
    assert speaking.active == ("b",)
    assert "a" not in speaking.levels()
    assert speaking.update(20, {"b": -30.0}) is None  # no hold time for a forgotten one


def test_forgetting_the_last_speaker_announces_the_empty_set() -> None:
    speaking = detector()
    speaking.update(0, {"a": LOUD})
    assert speaking.forget("a") == ()
    assert speaking.update(20, {}) is None


def test_forgetting_someone_not_speaking_announces_nothing() -> None:
    speaking = detector()
    speaking.update(0, {"a": LOUD})
    assert speaking.forget("nobody") is None
    assert speaking.active == ("a",)


def test_after_forget_they_start_again_when_loud() -> None:
    speaking = detector()
    speaking.update(0, {"a": LOUD})
    speaking.forget("a")
    assert speaking.update(20, {"a": BETWEEN}) is None  # needs "on" again, not "off"
    assert speaking.update(40, {"a": LOUD}) == ("a",)
