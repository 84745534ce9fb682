"""Recording's settings on top of the chassis ones (``PARLEY_*`` environment variables)."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from parley.chassis.settings import ServiceSettings


class RecordingSettings(ServiceSettings):
    # populate_by_name: in code (tests, an embedding program) fields go by their own names.
    model_config = SettingsConfigDict(populate_by_name=True)

    service_name: str = "recording"
    recording_retention_s: float = Field(
        default=30 * 86400,
        gt=0,
        validation_alias=AliasChoices("PARLEY_RECORDING_RETENTION_S"),
        description="A recording is deleted this long after it is ready (spec §7: 30 days)",
    )
    recording_segment_packets: int = Field(
        default=250,
        ge=1,
        validation_alias=AliasChoices("PARLEY_RECORDING_SEGMENT_PACKETS"),
        description="Feed packets (20 ms each) per stored segment: 250 is 5 s of audio",
    )
    recording_end_quiet_s: float = Field(
        default=1.0,
        ge=0,
        validation_alias=AliasChoices("PARLEY_RECORDING_END_QUIET_S"),
        description="After the Space ended, the feed is over once it has been quiet this long",
    )
