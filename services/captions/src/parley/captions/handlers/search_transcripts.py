"""``qry.captions.search_transcripts``: every Space's transcript searched, best match first
(anyone: every Space is public; nothing from a deleted recording). A query without words is a
422 ``query-has-no-words``; search syntax in it is only text."""

from __future__ import annotations

from parley.captions.domain.errors import invalid_cursor, query_has_no_words
from parley.captions.domain.search_terms import parse
from parley.captions.handlers.dependencies import CaptionsDeps
from parley.captions.queries.search import MAX_SEGMENTS, Page, search
from parley.chassis.bus import RequestContext
from parley.contracts.api.captions import TranscriptHits, TranscriptSearch


async def search_transcripts(
    deps: CaptionsDeps, payload: TranscriptSearch, ctx: RequestContext
) -> TranscriptHits:
    terms = parse(payload.q)
    if not terms.phrases:
        raise query_has_no_words(payload.q)
    return await search(deps.sessions, terms, Page(_offset(payload.cursor), payload.limit))


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    if not cursor.isascii() or not cursor.isdigit() or int(cursor) > MAX_SEGMENTS:
        raise invalid_cursor(cursor)
    return int(cursor)
