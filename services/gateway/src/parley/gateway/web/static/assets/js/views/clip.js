// A clip's page, what its share link opens: plays for anyone, signed in or not. The clip's
// audio, where it comes from (the Space, from which second), its transcript once captions
// made one (who said what when, as the replay shows it: the line being played highlighted, a
// click on a line plays from there), and the link to copy. A clip still being cut is looked at
// again every second.

import { clips, spaces as spacesApi } from "../api.js";
import { h, icon, render } from "../dom.js";
import { clock } from "../format.js";
import { clipLink } from "../ui/clip.js";
import { toast } from "../ui/toast.js";
import { speakerNames, transcriptPane } from "../ui/transcript.js";

const PENDING_POLL_MS = 1000;

export const clipView = {
  name: "clip",
  title: "Clip",
  mount(container, { id }) {
    let alive = true;
    let timer = 0;
    render(container, h("div", { class: "loading-block tall" }, h("span", { class: "spinner" }), h("p", {}, "Opening the clip…")));

    const load = async () => {
      let clip;
      try {
        clip = await clips.get(id);
      } catch (error) {
        if (alive) render(container, missing(error));
        return;
      }
      const space = await spacesApi.get(clip.space_id).catch(() => null);
      if (!alive) return;
      if (space) document.title = `Clip from ${space.title} · Parley`;
      if (clip.state === "pending") {
        render(container, page(id, clip, space, null, null));
        timer = setTimeout(load, PENDING_POLL_MS);
        return;
      }
      const audio = clip.state === "ready" ? clipAudio(id, clip, space) : null;
      render(container, page(id, clip, space, audio ? player(clip, audio) : failed(), audio));
    };
    load();
    return () => {
      alive = false;
      clearTimeout(timer);
      container.querySelector("audio")?.pause();
    };
  },
};

function page(id, clip, space, body, audio) {
  const from = space ? space.title : "a Space";
  const start = clip.start_s ?? 0;
  return h(
    "article",
    { class: "clip-page" },
    h(
      "header",
      { class: "replay-head" },
      h("div", { class: "replay-pills" }, h("span", { class: "pill pill-soft" }, icon("scissors", { size: 12 }), "Clip")),
      h("h1", { class: "replay-title" }, `From “${from}”`),
      space &&
        h(
          "p",
          { class: "replay-host" },
          `Hosted by ${space.host?.display_name || space.host?.handle || ""} · ${clock(start)}–${clock(start + (clip.duration_s ?? 30))} of the Space`,
        ),
    ),
    body ?? h("div", { class: "loading-block", role: "status" }, h("span", { class: "spinner" }), h("p", {}, "This clip is being made…")),
    transcript(clip, space, audio),
    h(
      "div",
      { class: "clip-actions" },
      h(
        "button",
        {
          class: "btn btn-outline",
          onclick: async () => {
            const url = clipLink(clip, id);
            try {
              await navigator.clipboard.writeText(url);
              toast("Link copied");
            } catch {
              toast(url);
            }
          },
        },
        icon("share", { size: 16 }),
        "Copy link",
      ),
      space && h("a", { class: "btn btn-ghost", href: `/spaces/${encodeURIComponent(space.id)}/replay` }, icon("play", { size: 16 }), "Replay the Space"),
    ),
  );
}

/** The timed lines beside the clip's player (their times are from the clip's start); the
 * words as one paragraph when there are no lines to play (no player, or a clip captioned
 * before clipping kept who spoke when). */
function transcript(clip, space, audio) {
  const segments = clip.transcript_segments ?? [];
  if (audio && segments.length > 0) return transcriptPane(segments, audio, speakerNames(space));
  return clip.transcript && h("section", { class: "clip-transcript", "aria-label": "Transcript" }, h("h2", { class: "section-title" }, "Transcript"), h("p", {}, clip.transcript));
}

function clipAudio(id, clip, space) {
  return h("audio", {
    class: "replay-audio",
    controls: true,
    preload: "metadata",
    src: clip.audio_url || clips.audioUrl(id),
    dataset: { role: "clip-audio" },
    "aria-label": space ? `Clip from ${space.title}` : "Clip",
  });
}

function player(clip, audio) {
  return h(
    "section",
    { class: "replay-player", "aria-label": "Player" },
    audio,
    h("div", { class: "replay-meta" }, h("span", { class: "replay-duration" }, clock(clip.duration_s ?? 30))),
  );
}

function failed() {
  return h("p", { class: "end-text", role: "status" }, "This clip couldn't be made.");
}

function missing(error) {
  const gone = error.status === 404 || error.status === 410 || error.status === 422;
  return h(
    "div",
    { class: "empty-state" },
    h("h1", {}, gone ? "This clip isn't available" : "Couldn't load the clip"),
    h("p", {}, gone ? "It was deleted with its recording, or it has expired." : error.message),
    h("a", { href: "/", class: "btn btn-primary" }, "Find live Spaces"),
  );
}
