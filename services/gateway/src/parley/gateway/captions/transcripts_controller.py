"""A Space's transcript (its final caption segments, speakers and times) and search across
every transcript (ranked Spaces, snippets, each hit's offset): the captions service's queries.
No login needed: every Space is public, and nothing of a deleted recording is found."""

from __future__ import annotations

from typing import Annotated, TypeAlias

from litestar import Controller, get
from litestar.params import QueryParameter

from parley.contracts.api import captions
from parley.contracts.api.captions import (
    SEARCH_MAX_CHARS,
    SEARCH_MAX_LIMIT,
    Transcript,
    TranscriptHits,
    TranscriptRef,
    TranscriptSearch,
)
from parley.gateway.dependencies import BusDep, ContextDep
from parley.gateway.guards import optional_login
from parley.gateway.problems import problem_responses
from parley.gateway.spaces.schemas import SpaceId

Words: TypeAlias = Annotated[
    str,
    QueryParameter(
        min_length=1,
        max_length=SEARCH_MAX_CHARS,
        description='Words to find (all of them); a "quoted phrase" as a phrase',
    ),
]
Limit: TypeAlias = Annotated[
    int, QueryParameter(ge=1, le=SEARCH_MAX_LIMIT, description="Spaces per page")
]
Cursor: TypeAlias = Annotated[
    str | None, QueryParameter(max_length=40, description="next_cursor of the previous page")
]


class TranscriptController(Controller):
    path = "/api/v1/spaces/{space_id:str}/transcript"
    tags = ["transcripts"]

    @get(
        operation_id="getTranscript",
        guards=[optional_login],
        responses=problem_responses(404, 422, 503),
    )
    async def get_transcript(self, space_id: SpaceId, bus: BusDep, ctx: ContextDep) -> Transcript:
        """The Space's transcript so far: every final caption segment with its speaker and its
        start and end on the recording's clock (the replay's). 404 `space-not-found`."""
        return await bus.call(captions.GET_TRANSCRIPT, TranscriptRef(space_id=space_id), ctx)


class TranscriptSearchController(Controller):
    path = "/api/v1/transcripts/search"
    tags = ["transcripts"]

    @get(
        operation_id="searchTranscripts",
        guards=[optional_login],
        responses=problem_responses(422, 503),
    )
    async def search_transcripts(
        self, q: Words, bus: BusDep, ctx: ContextDep, limit: Limit = 20, cursor: Cursor = None
    ) -> TranscriptHits:
        """Spaces whose transcripts hold the words, best first, each with its best segments:
        a snippet (matches in [brackets]) and the offset to open the replay at. 422
        `query-has-no-words` for a query with nothing to search for."""
        search = TranscriptSearch(q=q, limit=limit, cursor=cursor)
        return await bus.call(captions.SEARCH_TRANSCRIPTS, search, ctx)
