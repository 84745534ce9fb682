// The Spaces tab: live now from people you follow, trending live Spaces, upcoming ones (soonest
// first, with "Remind me" and how many are reminded); a topic filter and a search box.
// Refreshed every few seconds while on screen. The search box's second tab, Transcripts,
// searches what was said in every replay (transcript_search.js); `?in=transcripts&q=` opens it.

import { spaces as spacesApi } from "../api.js";
import { h, icon, render } from "../dom.js";
import { count, hueOf, when } from "../format.js";
import { session } from "../session.js";
import { avatar } from "../ui/avatar.js";
import { reminderButton, reminderCount } from "../ui/reminder.js";
import { transcriptResults } from "./transcript_search.js";

const REFRESH_MS = 15_000;
const knownTopics = new Set();
const SEARCHES = {
  spaces: { tab: "Spaces", placeholder: "Search Spaces by title or topic", label: "Search Spaces" },
  transcripts: { tab: "Transcripts", placeholder: "Search what was said in replays", label: "Search transcripts" },
};

export const spacesView = {
  name: "spaces",
  nav: "spaces",
  title: "Spaces",
  mount(container) {
    const params = new URLSearchParams(location.search);
    const filter = {
      topic: params.get("topic") || "",
      q: params.get("q") || "",
      in: params.get("in") === "transcripts" ? "transcripts" : "spaces",
    };
    const topics = h("div", { class: "chips", role: "toolbar", "aria-label": "Topics" });
    const results = h("div", { class: "spaces-results", "aria-live": "polite" });
    const said = transcriptResults(results);
    const search = h("input", { class: "input search-input", type: "search", value: filter.q });
    const searchTabs = h("div", { class: "tabs search-tabs", role: "tablist", "aria-label": "Search in" });
    let typing = 0;
    search.addEventListener("input", () => {
      clearTimeout(typing);
      if (filter.in === "spaces") searching(search.value.trim());
      typing = setTimeout(() => {
        filter.q = search.value.trim();
        keepInUrl(filter);
        show();
      }, 250);
    });

    const aside = h("aside", { class: "spaces-aside", "aria-label": "Popular topics" });
    render(
      container,
      h(
        "div",
        { class: "spaces-layout" },
        h(
          "div",
          { class: "spaces-main" },
          h(
            "header",
            { class: "page-head sticky" },
            h("div", { class: "page-title-row" }, h("h1", { class: "page-title" }, "Spaces")),
            h("label", { class: "search" }, icon("search", { size: 18 }), search),
            searchTabs,
            topics,
          ),
          results,
        ),
        aside,
      ),
    );

    let generation = 0;
    /** What the search box's tab says: Spaces (live and upcoming) or what was said. */
    const show = () => {
      generation++; // a Spaces load still under way draws nothing
      said.stop();
      const { placeholder, label } = SEARCHES[filter.in];
      search.placeholder = placeholder;
      search.setAttribute("aria-label", label);
      topics.hidden = filter.in === "transcripts";
      drawSearchTabs();
      if (filter.in === "transcripts") said.show(filter.q);
      else load();
    };

    const drawSearchTabs = () => {
      const tab = (name) =>
        h(
          "button",
          {
            class: ["tab", { active: filter.in === name }],
            role: "tab",
            "aria-selected": String(filter.in === name),
            onclick: () => {
              if (filter.in === name) return;
              filter.in = name;
              keepInUrl(filter);
              show();
            },
          },
          SEARCHES[name].tab,
        );
      render(searchTabs, tab("spaces"), tab("transcripts"));
    };

    const load = async () => {
      if (filter.in !== "spaces") return;
      const mine = ++generation;
      const query = { topic: filter.topic || undefined, q: filter.q || undefined };
      try {
        const [following, live, upcoming] = await Promise.all([
          session.signedIn && !filter.topic && !filter.q
            ? spacesApi.list({ state: "live", following: true, limit: 20 })
            : { items: [] },
          spacesApi.list({ state: "live", ...query }),
          spacesApi.list({ state: "scheduled", ...query, limit: 20 }),
        ]);
        if (mine !== generation) return;
        results.removeAttribute("aria-busy");
        for (const space of [...live.items, ...upcoming.items]) space.topics.forEach((t) => knownTopics.add(t));
        if (!filter.topic && !filter.q) drawAside(live.items);
        drawTopics();
        drawResults(query, following.items, live.items, upcoming.items);
      } catch (error) {
        if (mine !== generation) return;
        results.removeAttribute("aria-busy");
        render(
          results,
          h(
            "div",
            { class: "empty-state" },
            h("h2", {}, error.network ? "You're offline" : "Couldn't load Spaces"),
            h("p", {}, error.message),
            h("button", { class: "btn btn-outline", onclick: load }, "Try again"),
          ),
        );
      }
    };

    const pickTopic = (value) => {
      filter.topic = value;
      filter.in = "spaces";
      keepInUrl(filter);
      drawTopics();
      show();
    };

    const drawAside = (live) => {
      const byTopic = new Map();
      for (const space of live) {
        for (const topic of space.topics) {
          const entry = byTopic.get(topic) ?? { spaces: 0, listeners: 0 };
          entry.spaces += 1;
          entry.listeners += space.listener_count;
          byTopic.set(topic, entry);
        }
      }
      const ranked = [...byTopic].sort((a, b) => b[1].listeners - a[1].listeners || b[1].spaces - a[1].spaces).slice(0, 6);
      render(
        aside,
        h(
          "section",
          { class: "aside-card" },
          h("h2", { class: "aside-title" }, "Topics right now"),
          ranked.length
            ? ranked.map(([topic, { spaces, listeners }]) =>
                h(
                  "button",
                  { class: "aside-topic", onclick: () => pickTopic(topic) },
                  h("span", { class: "aside-topic-kicker" }, `${spaces} live ${spaces === 1 ? "Space" : "Spaces"}`),
                  h("span", { class: "aside-topic-name" }, `#${topic}`),
                  h("span", { class: "aside-topic-meta" }, `${count(listeners)} listening`),
                ),
              )
            : h("p", { class: "aside-empty" }, "Topics of live Spaces show up here."),
        ),
        h(
          "section",
          { class: "aside-card aside-cta" },
          h("h2", { class: "aside-title" }, session.signedIn ? "Got something to say?" : "New to Parley?"),
          h(
            "p",
            { class: "aside-text" },
            session.signedIn
              ? "Start a Space and talk it through live. Invite speakers, take questions, pin links."
              : "Join to listen in, react, and ask for the mic in any live Space.",
          ),
          session.signedIn
            ? h("a", { href: "/new", class: "btn btn-primary btn-block" }, icon("plus", { size: 18 }), "Start a Space")
            : h("a", { href: "/signup", class: "btn btn-primary btn-block" }, "Create account"),
        ),
      );
    };

    const drawTopics = () => {
      const chip = (label, value) =>
        h(
          "button",
          {
            class: ["chip", { active: filter.topic === value }],
            "aria-pressed": String(filter.topic === value),
            onclick: () => pickTopic(value),
          },
          label,
        );
      const list = [...knownTopics].sort((a, b) => a.localeCompare(b)).slice(0, 24);
      if (filter.topic && !knownTopics.has(filter.topic)) list.unshift(filter.topic);
      render(topics, chip("All", ""), list.map((topic) => chip(topic, topic)));
    };

    /** While a search is on its way, the list shown says it is not its answer yet. */
    const searching = (q) => {
      const title = results.querySelector(".live-title");
      if (!title || results.dataset.shownQ === q) return;
      results.setAttribute("aria-busy", "true");
      title.textContent = q ? `Searching for “${q}”…` : "Loading…";
    };

    /** The heading says what the list is: the answer to `query`, which asked for it. */
    const drawResults = (query, following, live, upcoming) => {
      const filtered = Boolean(query.topic || query.q);
      results.dataset.shownQ = query.q ?? "";
      const sections = [];
      if (following.length) {
        sections.push(
          section("Live from people you follow", h("div", { class: "card-rail" }, following.map((s) => spaceCard(s, { compact: true })))),
        );
      }
      sections.push(
        section(
          query.q ? `Live now matching “${query.q}”` : query.topic ? `Live now in #${query.topic}` : "Trending",
          live.length
            ? h("div", { class: "card-list" }, live.map((s) => spaceCard(s)))
            : emptyNote(filtered ? "No live Spaces match." : "No live Spaces right now.", session.signedIn),
          "live-title",
        ),
      );
      if (upcoming.length) {
        sections.push(section("Upcoming", h("div", { class: "card-list" }, upcoming.map((s) => upcomingCard(s, load)))));
      }
      render(results, sections);
    };

    drawTopics();
    show();
    const timer = setInterval(() => document.visibilityState === "visible" && load(), REFRESH_MS);
    return () => {
      clearInterval(timer);
      clearTimeout(typing);
      generation++;
      said.stop();
    };
  },
};

function keepInUrl({ topic, q, in: where }) {
  const params = new URLSearchParams();
  if (where !== "spaces") params.set("in", where);
  if (topic) params.set("topic", topic);
  if (q) params.set("q", q);
  const search = params.toString();
  history.replaceState(null, "", search ? `/?${search}` : "/");
}

function section(title, body, titleClass) {
  return h("section", { class: "spaces-section" }, h("h2", { class: ["section-title", titleClass] }, title), body);
}

function emptyNote(text, canHost) {
  return h(
    "div",
    { class: "empty-note" },
    h("div", { class: "empty-art", "aria-hidden": "true" }, icon("spaces", { size: 36 })),
    h("p", {}, text),
    canHost ? h("a", { href: "/new", class: "btn btn-primary" }, "Start a Space") : h("a", { href: "/signup", class: "btn btn-primary" }, "Join Parley to host"),
  );
}

/** An upcoming Space: its card (a link), and under it the reminder toggle and count (buttons
 * cannot sit inside a link). */
function upcomingCard(space, reload) {
  const mine = session.isMe(space.host.user_id);
  return h(
    "div",
    { class: "upcoming-item" },
    spaceCard(space),
    h(
      "div",
      { class: "upcoming-actions", "aria-label": `Reminders for ${space.title}`, role: "group" },
      reminderCount(space),
      session.signedIn && !mine && reminderButton(space, reload),
    ),
  );
}

export function spaceCard(space, { compact = false } = {}) {
  const live = space.state === "live";
  return h(
    "a",
    {
      href: `/spaces/${encodeURIComponent(space.id)}`,
      class: ["space-card", live ? "is-live" : "is-upcoming", { compact }],
      style: { "--hue": String(hueOf(space.id)) },
      dataset: { spaceId: space.id },
    },
    h(
      "div",
      { class: "space-card-top" },
      live
        ? h("span", { class: "pill pill-live" }, h("span", { class: "live-dot" }), "LIVE")
        : h("span", { class: "pill pill-soft" }, icon("calendar", { size: 14 }), when(space.scheduled_start)),
      live && h("span", { class: "space-card-count" }, icon("headphones", { size: 15 }), `${count(space.listener_count)} listening`),
    ),
    h("h3", { class: "space-card-title" }, space.title),
    h(
      "div",
      { class: "space-card-host" },
      avatar(space.host, { size: "sm" }),
      h(
        "span",
        { class: "space-card-host-text" },
        h("span", { class: "space-card-host-name" }, space.host.display_name || space.host.handle),
        h("span", { class: "space-card-host-role" }, "Host"),
      ),
      space.speaker_count > 0 && h("span", { class: "space-card-speakers" }, `+${space.speaker_count} on stage`),
    ),
    space.topics.length > 0 && h("div", { class: "space-card-topics" }, space.topics.map((topic) => h("span", { class: "topic" }, topic))),
  );
}
