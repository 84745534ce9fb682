"""Parley bots: scripted clients that join Spaces over the public API and real WebRTC, play
tones, WAV files, clicks or speech, and record and analyse what they hear."""

from parley.bots.analysis import (
    click_onsets,
    detect_clicks,
    dominant_frequency,
    has_tone,
    is_silent,
    rms_dbfs,
    tone_dbfs,
    tone_power,
)
from parley.bots.bot import Bot
from parley.bots.errors import ApiError, MediaError, MediaRefused
from parley.bots.live import LiveChannel
from parley.bots.media import MediaAnswer, MediaSession
from parley.bots.recorder import ReceivedFrame, Recorder
from parley.bots.sources import (
    SAMPLE_RATE,
    AudioSource,
    Clicks,
    ClickTrack,
    Said,
    Silence,
    SilenceTrack,
    SourceTrack,
    SpeechTrack,
    Tone,
    ToneTrack,
    Utterances,
    WavAudio,
    WavTrack,
)

__all__ = [
    "SAMPLE_RATE",
    "ApiError",
    "AudioSource",
    "Bot",
    "ClickTrack",
    "Clicks",
    "LiveChannel",
    "MediaAnswer",
    "MediaError",
    "MediaRefused",
    "MediaSession",
    "ReceivedFrame",
    "Recorder",
    "Said",
    "Silence",
    "SilenceTrack",
    "SourceTrack",
    "SpeechTrack",
    "Tone",
    "ToneTrack",
    "Utterances",
    "WavAudio",
    "WavTrack",
    "click_onsets",
    "detect_clicks",
    "dominant_frequency",
    "has_tone",
    "is_silent",
    "rms_dbfs",
    "tone_dbfs",
    "tone_power",
]
