// A recorded Space's replay: the player (an <audio> element on the recording's URL; the
// gateway answers Range requests, so seeking fetches only what it needs), plays, the Space's
// details, "Clip from here" (30 s from the player's position), and the transcript when
// captions made one: who said what when, the line being played highlighted, a click on a line
// plays from there. `?t=<seconds>` opens the player at that moment (a search hit's link).
// While the recording is being finished the page says so and looks again every few seconds.

import { recordings, spaces as spacesApi, transcripts } from "../api.js";
import { h, icon, render } from "../dom.js";
import { clock, count, plural, timeAgo } from "../format.js";
import { session } from "../session.js";
import { makeClip } from "../ui/clip.js";
import { speakerNames, startFromAddress, transcriptPane } from "../ui/transcript.js";

const PROCESSING_POLL_MS = 3000;

export const replayView = {
  name: "replay",
  title: "Replay",
  mount(container, { id }) {
    let alive = true;
    let timer = 0;
    let space = null;
    render(container, h("div", { class: "loading-block tall" }, h("span", { class: "spinner" }), h("p", {}, "Opening the replay…")));

    const load = async () => {
      clearTimeout(timer);
      let recording;
      try {
        space = space ?? (await spacesApi.get(id));
        recording = await recordings.get(id);
      } catch (error) {
        if (alive) render(container, missing(error, space));
        return;
      }
      if (!alive) return;
      document.title = `${space.title} · Replay · Parley`;
      if (recording.state === "ready") {
        const transcript = await transcripts.get(id).catch(() => null); // none: no pane
        if (!alive) return;
        render(container, replay(space, recording, transcript?.segments ?? [], startFromAddress()));
        return;
      }
      render(container, header(space), waiting(space, recording));
      if (recording.state === "recording" || recording.state === "processing") {
        timer = setTimeout(load, PROCESSING_POLL_MS);
      }
    };
    load();
    return () => {
      alive = false;
      clearTimeout(timer);
      container.querySelector("audio")?.pause();
    };
  },
};

function header(space) {
  const host = space.host?.display_name || space.host?.handle || "";
  return h(
    "header",
    { class: "replay-head" },
    h("div", { class: "replay-pills" }, h("span", { class: "pill pill-soft" }, icon("play", { size: 12 }), "Replay"), space.ended_at && h("span", { class: "replay-when" }, `Ended ${timeAgo(space.ended_at)}`)),
    h("h1", { class: "replay-title" }, space.title),
    h(
      "p",
      { class: "replay-host" },
      "Hosted by ",
      space.host?.handle ? h("a", { href: `/u/${encodeURIComponent(space.host.handle)}` }, host) : host,
    ),
    space.description && h("p", { class: "replay-description" }, space.description),
    space.topics?.length > 0 && h("div", { class: "replay-topics" }, space.topics.map((topic) => h("span", { class: "topic" }, topic))),
  );
}

function replay(space, recording, segments, startS) {
  const audio = h("audio", {
    class: "replay-audio",
    controls: true,
    preload: "metadata",
    src: recording.audio_url || recordings.audioUrl(space.id),
    dataset: { role: "replay-audio" },
    "aria-label": `Recording of ${space.title}`,
  });
  if (startS !== null) {
    audio.addEventListener("loadedmetadata", () => (audio.currentTime = Math.min(startS, audio.duration || startS)), { once: true });
  }
  const speakers = [space.host, ...(space.cohosts ?? []), ...(space.speakers ?? [])].filter(Boolean);
  const canClip = session.signedIn && space.settings?.clipping;
  const clipButton =
    canClip &&
    h(
      "button",
      {
        class: "btn btn-outline replay-clip",
        onclick: async (event) => {
          const button = event.currentTarget;
          button.disabled = true;
          try {
            await makeClip(space.id, Math.floor(audio.currentTime));
          } finally {
            button.disabled = false;
          }
        },
      },
      icon("scissors", { size: 18 }),
      "Clip from here",
    );
  return h(
    "article",
    { class: "replay" },
    header(space),
    h(
      "section",
      { class: "replay-player", "aria-label": "Player" },
      audio,
      h(
        "div",
        { class: "replay-meta" },
        h("span", { class: "replay-duration" }, clock(recording.duration_s)),
        h("span", { class: "replay-plays", dataset: { plays: String(recording.plays ?? 0) } }, plural(recording.plays ?? 0, "play")),
        clipButton,
      ),
      canClip && h("p", { class: "replay-hint" }, "A clip is the 30 seconds from where the player is."),
    ),
    segments.length > 0 && transcriptPane(segments, audio, speakerNames(space)),
    speakers.length > 0 &&
      h(
        "section",
        { class: "replay-people", "aria-label": "On stage" },
        h("h2", { class: "section-title" }, "On stage"),
        h(
          "ul",
          { class: "replay-speakers" },
          speakers.map((member) => h("li", {}, h("a", { href: `/u/${encodeURIComponent(member.handle)}` }, member.display_name || member.handle), h("span", { class: "replay-handle" }, ` @${member.handle}`))),
        ),
      ),
    h("p", { class: "replay-listeners" }, space.listener_count ? `${count(space.listener_count)} listened live` : ""),
  );
}

function waiting(space, recording) {
  const live = recording.state === "recording";
  const gone = recording.state === "deleted";
  return h(
    "div",
    { class: "end-panel", role: "status" },
    h("div", { class: "end-art", "aria-hidden": "true" }, gone ? icon("close", { size: 34 }) : h("span", { class: "spinner" })),
    h("h2", { class: "end-title" }, gone ? "This recording was deleted" : live ? "This Space is still live" : "The replay is almost ready"),
    h("p", { class: "end-text" }, gone ? "The host deleted it." : live ? "It's being recorded. The replay is ready shortly after it ends." : "The recording is being finished. This page updates by itself."),
    h("div", { class: "end-actions" }, live ? h("a", { href: `/spaces/${encodeURIComponent(space.id)}`, class: "btn btn-primary" }, "Join the Space") : h("a", { href: "/", class: "btn btn-outline" }, "Find more Spaces")),
  );
}

function missing(error, space) {
  const none = error.status === 404 || error.status === 410 || error.status === 422;
  return h(
    "div",
    { class: "empty-state" },
    h("h1", {}, none ? (space ? "This Space has no recording" : "This Space doesn't exist") : "Couldn't load the replay"),
    h("p", {}, none ? "It wasn't recorded, or the recording was deleted or has expired." : error.message),
    h("a", { href: "/", class: "btn btn-primary" }, "Back to Spaces"),
  );
}
