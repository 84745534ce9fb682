// The captions service's two reads, as the replay and the search pages use them: getTranscript
// and searchTranscripts (no login needed: every Space is public). Plain GETs, so none of the
// command machinery of api.js (idempotency keys, retries) applies; failures are the same
// ApiError every other call throws.

import { ApiError } from "../api.js";

const BASE = "/api/v1";

async function read(path) {
  let response;
  try {
    response = await fetch(BASE + path, { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch {
    throw new ApiError(0, { title: "You're offline", detail: "Parley can't be reached. Check your connection and try again." });
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data || { title: response.statusText }, response.headers.get("retry-after"));
  return data;
}

export const transcripts = {
  /** {space_id, captions, segments: [{speaker_id, start_ms, end_ms, text}]} */
  get: (spaceId) => read(`/spaces/${encodeURIComponent(spaceId)}/transcript`),
  /** {spaces: [{space_id, hits: [{speaker_id, start_ms, end_ms, snippet}]}], next_cursor} */
  search: (q, cursor = null) => {
    const params = new URLSearchParams({ q });
    if (cursor) params.set("cursor", cursor);
    return read(`/transcripts/search?${params}`);
  },
};
