"""Search across every Space's transcript, in the database's own full text: SQLite FTS5 ranked by
``bm25``, PostgreSQL ``websearch_to_tsquery`` ranked by ``ts_rank`` (migration 0002).

Every Space is public (Parley has no private Spaces), so anyone may find any Space's words; a
Space whose recording was deleted is never found. Segments are ranked, then gathered by Space
(a Space ranks by its best segment); a page is a slice of those Spaces."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.captions.domain.search_terms import Terms
from parley.contracts.api.captions import SpaceHits, TranscriptHit, TranscriptHits

MAX_SEGMENTS = 1000  # ranked segments looked at per search
HITS_PER_SPACE = 5

SQLITE = text(
    """
    SELECT s.space_id, s.speaker_id, s.start_ms, s.end_ms,
           snippet(caption_search, 0, '[', ']', '…', 16) AS snippet
    FROM caption_search JOIN caption_segments AS s ON s.seq = caption_search.rowid
    WHERE caption_search MATCH :query
      AND s.space_id NOT IN (SELECT space_id FROM captions_deleted_recordings)
    ORDER BY bm25(caption_search), s.seq
    LIMIT :most
    """
)
POSTGRES = text(
    """
    SELECT s.space_id, s.speaker_id, s.start_ms, s.end_ms,
           ts_headline('english', s.text, query,
                       'StartSel=[, StopSel=], MaxWords=24, MinWords=8') AS snippet
    FROM caption_segments AS s, websearch_to_tsquery('english', :query) AS query
    WHERE to_tsvector('english', s.text) @@ query
      AND s.space_id NOT IN (SELECT space_id FROM captions_deleted_recordings)
    ORDER BY ts_rank(to_tsvector('english', s.text), query) DESC, s.seq
    LIMIT :most
    """
)


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int


async def search(
    sessions: async_sessionmaker[AsyncSession], terms: Terms, page: Page
) -> TranscriptHits:
    async with sessions() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        statement, query = (POSTGRES, terms.websearch()) if postgres else (SQLITE, terms.fts5())
        rows = list(await session.execute(statement, {"query": query, "most": MAX_SEGMENTS}))
    by_space: dict[str, list[TranscriptHit]] = {}
    for row in rows:  # best first: a Space's place is its best segment's
        hits = by_space.setdefault(row.space_id, [])
        if len(hits) < HITS_PER_SPACE:
            hits.append(
                TranscriptHit(
                    speaker_id=row.speaker_id,
                    start_ms=row.start_ms,
                    end_ms=row.end_ms,
                    snippet=row.snippet,
                )
            )
    found = [SpaceHits(space_id=space_id, hits=hits) for space_id, hits in by_space.items()]
    end = page.offset + page.limit
    return TranscriptHits(
        spaces=found[page.offset : end], next_cursor=str(end) if end < len(found) else None
    )
