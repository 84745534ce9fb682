// Pieces of a transcript as the replay and the search show them: who spoke (as far as the
// Space's view names them), a search snippet with its matches marked, and the link that opens
// a replay at a moment.

import { h } from "../dom.js";

/** `nameOf(userId)`: the display name (else handle) of someone the Space's view lists on its
 * stage; "Speaker" for anyone it no longer does (who left the stage before the end). */
export function speakerNames(space) {
  const people = new Map();
  for (const member of [space?.host, ...(space?.cohosts ?? []), ...(space?.speakers ?? [])]) {
    if (member?.user_id) people.set(member.user_id, member.display_name || member.handle);
  }
  return (userId) => people.get(userId) ?? "Speaker";
}

/** A snippet as the search answers it ("…the [garden] hour…", matches in brackets): text
 * nodes with each match in a <mark>; nothing in it is ever read as markup. */
export function snippetNodes(snippet) {
  return String(snippet)
    .split(/(\[[^\]]*\])/)
    .filter(Boolean)
    .map((part) => (part.startsWith("[") && part.endsWith("]") ? h("mark", {}, part.slice(1, -1)) : part));
}

/** The replay of `spaceId`, opening `ms` into the recording (whole seconds, never after). */
export function replayAt(spaceId, ms) {
  return `/spaces/${encodeURIComponent(spaceId)}/replay?t=${Math.floor(Math.max(0, ms) / 1000)}`;
}

/** The `?t=` of this page's address, in seconds, or null. */
export function startFromAddress() {
  const t = Number.parseFloat(new URLSearchParams(location.search).get("t") ?? "");
  return Number.isFinite(t) && t >= 0 ? t : null;
}
