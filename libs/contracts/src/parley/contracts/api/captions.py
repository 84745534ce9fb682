"""Captions' request/reply contract (context ``captions``).

Queries (``qry.captions.<name>``):
    get_transcript(TranscriptRef) -> Transcript     anyone: a Space's transcript so far
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.routes import Routes

CONTEXT = "captions"


class TranscriptRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    space_id: str = Field(description="The Space", min_length=1, max_length=80)


class TranscriptSegment(BaseModel):
    speaker_id: str = Field(description="Who spoke")
    start_ms: int = Field(description="Where the words start, on the recording's clock")
    end_ms: int = Field(description="Where the words end, on the recording's clock")
    text: str = Field(description="What was said")


class Transcript(BaseModel):
    space_id: str
    captions: bool = Field(description="Captions are on in the Space now")
    segments: list[TranscriptSegment] = Field(
        description="Every final segment so far, by start time (then speaker)"
    )


ROUTES = Routes(CONTEXT)
GET_TRANSCRIPT = ROUTES.query(
    "get_transcript",
    TranscriptRef,
    Transcript,
    problems=("space-not-found",),
    description="A Space's transcript: its final caption segments with speakers and times",
)
