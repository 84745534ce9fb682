"""Captions' request/reply contract (context ``captions``).

Queries (``qry.captions.<name>``):
    get_transcript(TranscriptRef) -> Transcript             anyone: a Space's transcript so far
    search_transcripts(TranscriptSearch) -> TranscriptHits  anyone: every Space's transcript,
                                                            full-text, best match first
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.routes import Routes

CONTEXT = "captions"
SEARCH_MAX_CHARS = 200
SEARCH_MAX_LIMIT = 50


class TranscriptRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    space_id: str = Field(description="The Space", min_length=1, max_length=100)


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


class TranscriptSearch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(
        description='Words to find (all of them); a "quoted phrase" is found as a phrase. '
        "Search syntax characters are taken as plain text",
        min_length=1,
        max_length=SEARCH_MAX_CHARS,
    )
    limit: int = Field(default=20, ge=1, le=SEARCH_MAX_LIMIT, description="Spaces per page")
    cursor: str | None = Field(
        default=None, max_length=40, description="next_cursor of the previous page"
    )


class TranscriptHit(BaseModel):
    speaker_id: str = Field(description="Who said it")
    start_ms: int = Field(description="Where the words start, on the recording's clock")
    end_ms: int = Field(description="Where the words end, on the recording's clock")
    snippet: str = Field(description="The segment's text around the match, matches in [brackets]")


class SpaceHits(BaseModel):
    space_id: str
    hits: list[TranscriptHit] = Field(
        description="The Space's best matching segments (at most 5), best first"
    )


class TranscriptHits(BaseModel):
    spaces: list[SpaceHits] = Field(description="Spaces by their best match, best first")
    next_cursor: str | None = None


ROUTES = Routes(CONTEXT)
GET_TRANSCRIPT = ROUTES.query(
    "get_transcript",
    TranscriptRef,
    Transcript,
    problems=("space-not-found",),
    description="A Space's transcript: its final caption segments with speakers and times",
)
SEARCH_TRANSCRIPTS = ROUTES.query(
    "search_transcripts",
    TranscriptSearch,
    TranscriptHits,
    problems=("query-has-no-words", "invalid-cursor"),
    description="Spaces whose transcripts match, ranked, with snippets and each hit's offset "
    "(every Space is public; nothing from a deleted recording)",
)
