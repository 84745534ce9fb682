// The audience under the stage: who is listening (people the viewer follows first, as
// listListeners orders them), kept current by `audience.changed` deltas, and the grid that
// shows the first of them with "+N more" for the rest of the count, which opens everyone.

import { spaces as spacesApi } from "../api.js";
import { h, render } from "../dom.js";
import { count } from "../format.js";
import { session } from "../session.js";
import { avatar } from "../ui/avatar.js";
import { openDialog } from "../ui/dialog.js";

// As many as fit two rows on a phone and one or two on a wide screen; the rest is "+N more".
export const AUDIENCE_SHOWN = 10;
// What "N listening" counts, wherever it is shown (listener_count): the stage is not in it.
export const AUDIENCE_MEANS = "In the audience: everyone in the Space but the stage";
// One page is a little more than we show, so a few leavers do not empty the grid.
const PAGE_SIZE = 30;
// A joiner room does not know yet comes without a name: the list is read again after this.
const NAMELESS_RELOAD_MS = 3_000;

/** The audience as this browser knows it: the first page of listListeners, with the joins
 * and leaves since applied. A delta that names fewer people than it counts, or one that
 * comes while a page is read, makes it read the first page again. */
export class AudienceList extends EventTarget {
  constructor(spaceId) {
    super();
    this.spaceId = spaceId;
    this.items = [];
    this.count = 0;
    this.loaded = false;
    this.loading = null;
    this.stale = false;
    this.namelessTimer = 0;
  }

  close() {
    clearTimeout(this.namelessTimer);
  }

  /** Read the first page (on opening and after a reconnect: deltas may have been missed). */
  load() {
    if (this.loading) {
      this.stale = true; // what is being read may already be behind
      return this.loading;
    }
    this.loading = spacesApi
      .listeners(this.spaceId, { limit: PAGE_SIZE })
      .then((page) => {
        this.items = page.items ?? [];
        this.count = page.count ?? this.items.length;
        this.loaded = true;
        this.changed();
      })
      .catch(() => {
        /* the next reconnect or delta reads it again */
      })
      .finally(() => {
        this.loading = null;
        if (this.stale) {
          this.stale = false;
          this.load();
        }
      });
    return this.loading;
  }

  /** An `audience.changed` message: leavers out, joiners in (after the followed, who the
   * first page put first), the count as it now is. */
  apply({ joined = [], joined_total: joinedTotal = 0, left = [], left_total: leftTotal = 0, count: total }) {
    if (this.loading) {
      this.stale = true;
      return;
    }
    const gone = new Set(left);
    this.items = this.items.filter((person) => !gone.has(person.user_id));
    const known = new Set(this.items.map((person) => person.user_id));
    for (const person of joined) {
      if (!known.has(person.user_id)) this.items.push({ ...person, followed: false });
    }
    if (typeof total === "number") this.count = total;
    this.changed();
    const unnamed = joinedTotal > joined.length || leftTotal > left.length;
    const short = this.items.length < Math.min(this.count, AUDIENCE_SHOWN);
    if (unnamed || short) this.load();
    else if (joined.some((person) => !person.handle)) this.loadSoon();
  }

  /** Read the list again in a moment (once, however many nameless joiners came meanwhile). */
  loadSoon() {
    if (this.namelessTimer) return;
    this.namelessTimer = setTimeout(() => {
      this.namelessTimer = 0;
      this.load();
    }, NAMELESS_RELOAD_MS);
  }

  changed() {
    this.dispatchEvent(new Event("change"));
  }
}

/** The grid: the first AUDIENCE_SHOWN listeners as buttons that open their card, and
 * "+N more" for the rest of the count (`onMore`: everyone, page by page). */
export function audienceGrid(audience, { onSelect, onMore }) {
  const shown = audience.items.slice(0, AUDIENCE_SHOWN);
  const more = Math.max(0, audience.count - shown.length);
  return h(
    "section",
    { class: "audience", "aria-label": "Audience" },
    h(
      "div",
      { class: "audience-head" },
      h("h2", { class: "audience-title" }, "Audience"),
      h("span", { class: "audience-count", dataset: { count: String(audience.count) }, title: AUDIENCE_MEANS }, `${count(audience.count)} listening`),
    ),
    audience.count === 0
      ? h("p", { class: "audience-empty" }, "No one is listening yet.")
      : h(
          "ul",
          { class: "audience-grid", "aria-label": "Listening" },
          shown.map((person) => h("li", { class: "audience-slot" }, listenerButton(person, onSelect))),
          more > 0 &&
            h(
              "li",
              { class: "audience-slot" },
              h(
                "button",
                { class: "audience-more", dataset: { more: String(more) }, "aria-label": `+${count(more)} more listening: show everyone`, onclick: onMore },
                h("span", { class: "audience-more-bubble", "aria-hidden": "true" }, `+${count(more)}`),
                h("span", { class: "listener-name" }, `+${count(more)} more`),
              ),
            ),
        ),
  );
}

function listenerButton(person, onSelect) {
  const me = session.isMe(person.user_id);
  const name = person.display_name || person.handle || "Someone";
  return h(
    "button",
    {
      class: ["listener", { me, followed: person.followed }],
      dataset: { userId: person.user_id },
      "aria-label": me ? `You, ${name}, Listener` : `${name}, Listener${person.followed ? ", you follow them" : ""}`,
      onclick: () => onSelect(person),
    },
    avatar(person, { size: "md" }),
    h("span", { class: "listener-name" }, me ? "You" : name),
  );
}

/** Everyone listening, in a dialog, a page at a time; choosing someone closes it and
 * `onSelect`s them (their card). */
export function audienceDialog(spaceId, { onSelect }) {
  const list = h("ul", { class: "audience-list", "aria-label": "Everyone listening" });
  const status = h("div", { class: "audience-list-status" });
  const dialog = openDialog({ title: "Listening", className: "audience-dialog", body: [list, status] });
  const row = (person) => {
    const name = person.display_name || person.handle || "Someone";
    const choose = () => {
      dialog.close();
      onSelect(person);
    };
    return h(
      "li",
      {},
      h(
        "button",
        {
          class: "person-row",
          dataset: { userId: person.user_id },
          "aria-label": `${name}${person.handle ? ` @${person.handle}` : ""}, Listener${person.followed ? ", you follow them" : ""}`,
          onclick: choose,
        },
        avatar(person),
        h("span", { class: "person-names" }, h("span", { class: "person-name" }, name), person.handle && [" ", h("span", { class: "person-handle" }, `@${person.handle}`)]),
      ),
    );
  };
  const loadPage = async (cursor) => {
    render(status, h("span", { class: "spinner small" }));
    try {
      const page = await spacesApi.listeners(spaceId, { cursor, limit: 50 });
      list.append(...page.items.map(row));
      const more = page.next_cursor && h("button", { class: "btn btn-ghost btn-sm", onclick: () => loadPage(page.next_cursor) }, "Show more");
      const none = list.childElementCount === 0 && h("p", { class: "empty-line" }, "No one is listening right now.");
      render(status, more || none);
    } catch (error) {
      render(status, h("p", { class: "empty-line" }, error.message), h("button", { class: "btn btn-ghost btn-sm", onclick: () => loadPage(cursor) }, "Try again"));
    }
  };
  loadPage(null);
}
