// Search what was said: every replay's transcript (searchTranscripts), best Space first, each
// Space with its best lines (the matched words marked) and when they were said; a line opens
// the replay at that moment. Drawn into the Spaces tab's results when its Transcripts tab is on.

import { spaces as spacesApi, transcripts } from "../api.js";
import { h, icon, render } from "../dom.js";
import { clock, timeAgo } from "../format.js";
import { replayAt, snippetNodes, speakerNames } from "../ui/transcript.js";

const knownSpaces = new Map(); // space id -> its view (or null: it could not be read)

/** `show(q)` draws the results of `q` into `container` (a newer call wins over an older one
 * still under way); `stop()` lets whatever is under way draw nothing. */
export function transcriptResults(container) {
  let generation = 0;

  const show = async (q, cursor = null, list = null) => {
    const mine = ++generation;
    if (!q) {
      render(container, hint());
      return;
    }
    if (!list) render(container, h("div", { class: "loading-block" }, h("span", { class: "spinner" })));
    let page;
    let spaces;
    try {
      page = await transcripts.search(q, cursor);
      spaces = await Promise.all(page.spaces.map((found) => spaceOf(found.space_id)));
    } catch (error) {
      if (mine === generation) render(container, error.slug === "query-has-no-words" ? hint() : failed(error, () => show(q)));
      return;
    }
    if (mine !== generation) return;
    if (!list && page.spaces.length === 0) {
      render(container, nothingFound(q));
      return;
    }
    const groups = list ?? h("div", { class: "transcript-results" });
    groups.querySelector(".more-results")?.remove();
    page.spaces.forEach((found, i) => groups.append(spaceGroup(found, spaces[i])));
    if (page.next_cursor) {
      groups.append(h("button", { class: "btn btn-outline more-results", onclick: () => show(q, page.next_cursor, groups) }, "More results"));
    }
    if (!list) render(container, groups);
  };

  return { show: (q) => show(q), stop: () => generation++ };
}

async function spaceOf(spaceId) {
  if (!knownSpaces.has(spaceId)) knownSpaces.set(spaceId, await spacesApi.get(spaceId).catch(() => null));
  return knownSpaces.get(spaceId);
}

function spaceGroup({ space_id: spaceId, hits }, space) {
  const nameOf = speakerNames(space);
  const host = space?.host ? space.host.display_name || space.host.handle : "";
  return h(
    "section",
    { class: "transcript-result", dataset: { spaceId }, "aria-label": space?.title ?? "A Space" },
    h(
      "a",
      { class: "transcript-result-head", href: `/spaces/${encodeURIComponent(spaceId)}/replay` },
      h("h3", { class: "transcript-result-title" }, space?.title ?? "A Space"),
      h("span", { class: "transcript-result-meta" }, [host && `Hosted by ${host}`, space?.ended_at && `Ended ${timeAgo(space.ended_at)}`].filter(Boolean).join(" · ")),
    ),
    h(
      "ol",
      { class: "transcript-hits" },
      hits.map((hit) =>
        h(
          "li",
          {},
          h(
            "a",
            { class: "transcript-line transcript-hit", href: replayAt(spaceId, hit.start_ms) },
            h("span", { class: "transcript-time" }, clock(hit.start_ms / 1000)),
            h("span", { class: "transcript-words" }, h("span", { class: "transcript-who" }, nameOf(hit.speaker_id)), h("span", { class: "transcript-snippet" }, snippetNodes(hit.snippet))),
          ),
        ),
      ),
    ),
  );
}

function hint() {
  return h(
    "div",
    { class: "empty-note" },
    h("div", { class: "empty-art", "aria-hidden": "true" }, icon("captions", { size: 36 })),
    h("p", {}, "Search what was said in every replay. A line you find opens the replay right where it was said."),
  );
}

function nothingFound(q) {
  return h(
    "div",
    { class: "empty-note" },
    h("div", { class: "empty-art", "aria-hidden": "true" }, icon("search", { size: 36 })),
    h("p", {}, `Nobody said “${q}” in a replay yet.`),
  );
}

function failed(error, retry) {
  return h(
    "div",
    { class: "empty-state" },
    h("h2", {}, error.network ? "You're offline" : "Couldn't search transcripts"),
    h("p", {}, error.message),
    h("button", { class: "btn btn-outline", onclick: retry }, "Try again"),
  );
}
