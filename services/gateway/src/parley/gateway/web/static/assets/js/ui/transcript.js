// Pieces of a transcript as the replay, a clip's page and the search show them: who spoke (as
// far as the Space's view names them), the timed lines beside a player, a search snippet with
// its matches marked, and the link that opens a replay at a moment.

import { h } from "../dom.js";
import { clock } from "../format.js";

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

/** The transcript beside the player: each line plays from its start when clicked; the line at
 * the player's position is highlighted (aria-current) and kept in view as the audio plays.
 * `segments`: `{speaker_id, start_ms, end_ms, text}` by start, on the `audio`'s own clock (a
 * replay's: the recording's; a clip's: from the clip's start). */
export function transcriptPane(segments, audio, nameOf) {
  const rows = segments.map((segment, i) => {
    const sameSpeaker = i > 0 && segments[i - 1].speaker_id === segment.speaker_id;
    return h(
      "li",
      {},
      h(
        "button",
        {
          class: "transcript-line",
          dataset: { startMs: String(segment.start_ms) },
          onclick: () => {
            audio.currentTime = segment.start_ms / 1000;
            audio.play().catch(() => {}); // a click may play; if not, the player shows play
          },
        },
        h("span", { class: "transcript-time" }, clock(segment.start_ms / 1000)),
        h("span", { class: "transcript-words" }, !sameSpeaker && h("span", { class: "transcript-who" }, nameOf(segment.speaker_id)), h("span", { class: "transcript-text" }, segment.text)),
      ),
    );
  });
  const list = h("ol", { class: "transcript-list" }, rows);
  let playing = -1;
  const follow = () => {
    const ms = audio.currentTime * 1000;
    let now = -1;
    segments.forEach((segment, i) => {
      if (segment.start_ms <= ms && ms < segment.end_ms) now = i;
    });
    if (now === playing) return;
    rows[playing]?.firstElementChild.removeAttribute("aria-current");
    playing = now;
    if (now < 0) return;
    const line = rows[now].firstElementChild;
    line.setAttribute("aria-current", "true");
    const { offsetTop, offsetHeight } = rows[now];
    if (offsetTop < list.scrollTop || offsetTop + offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTo({ top: offsetTop - list.clientHeight / 3, behavior: "smooth" });
    }
  };
  for (const event of ["timeupdate", "seeked", "loadedmetadata"]) audio.addEventListener(event, follow);
  return h("section", { class: "transcript", "aria-label": "Transcript" }, h("h2", { class: "section-title" }, "Transcript"), list);
}
