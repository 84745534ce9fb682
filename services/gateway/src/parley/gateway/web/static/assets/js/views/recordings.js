// The host's recordings, newest first: each opens its replay; the host deletes one at any
// time (its clips go with it).

import { recordings } from "../api.js";
import { h, icon, render } from "../dom.js";
import { clock, timeAgo } from "../format.js";
import { confirmDialog } from "../ui/dialog.js";
import { toast, toastError } from "../ui/toast.js";

const STATES = { recording: "Recording", processing: "Being finished", ready: "Ready", deleted: "Deleted" };

export const recordingsView = {
  name: "recordings",
  title: "Your recordings",
  requiresAuth: true,
  mount(container) {
    let alive = true;
    const list = h("ul", { class: "recording-list", "aria-label": "Your recordings" });
    render(
      container,
      h("header", { class: "page-head sticky" }, h("div", { class: "page-title-row" }, h("h1", { class: "page-title" }, "Your recordings"))),
      list,
    );
    render(list, h("li", { class: "loading-block" }, h("span", { class: "spinner" })));

    const draw = (items) => {
      render(
        list,
        items.length
          ? items.map((item) => row(item, () => remove(item)))
          : h(
              "li",
              { class: "empty-state" },
              h("div", { class: "empty-art", "aria-hidden": "true" }, icon("play", { size: 36 })),
              h("h2", {}, "No recordings yet"),
              h("p", {}, "Turn on “Record Space” when you create a Space: its replay shows up here."),
            ),
      );
    };
    let items = [];
    const load = async () => {
      try {
        const page = await recordings.mine();
        items = (page.recordings ?? page.items ?? []).filter((item) => item.state !== "deleted");
        if (alive) draw(items);
      } catch (error) {
        if (alive) render(list, h("li", { class: "empty-state" }, h("h2", {}, "Couldn't load your recordings"), h("p", {}, error.message)));
      }
    };
    const remove = async (item) => {
      const ok = await confirmDialog({
        title: "Delete this recording?",
        text: `“${item.title}” and every clip made from it are deleted for everyone. This can't be undone.`,
        confirm: "Delete",
        danger: true,
      });
      if (!ok) return;
      try {
        await recordings.remove(item.space_id);
      } catch (error) {
        if (error.status !== 404 && error.status !== 410) {
          toastError(error);
          return;
        }
      }
      toast("Recording deleted");
      items = items.filter((other) => other.space_id !== item.space_id);
      if (alive) draw(items);
    };
    load();
    return () => {
      alive = false;
    };
  },
};

function row(item, onDelete) {
  const seconds = item.duration_s ?? (item.duration_ms != null ? item.duration_ms / 1000 : null);
  const when = item.ready_at || item.started_at;
  const ready = item.state === "ready";
  return h(
    "li",
    { class: "recording-row", dataset: { spaceId: item.space_id } },
    h(
      "a",
      { class: "recording-main", href: `/spaces/${encodeURIComponent(item.space_id)}/replay` },
      h("span", { class: "recording-icon", "aria-hidden": "true" }, icon("play", { size: 18 })),
      h(
        "span",
        { class: "recording-body" },
        h("span", { class: "recording-title" }, item.title),
        h(
          "span",
          { class: "recording-meta" },
          [STATES[item.state] ?? item.state, seconds != null && ready ? clock(seconds) : null, item.plays != null ? `${item.plays} plays` : null, when ? timeAgo(when) : null].filter(Boolean).join(" · "),
        ),
      ),
    ),
    ready && h("button", { class: "icon-btn", "aria-label": `Delete the recording of ${item.title}`, onclick: onDelete }, icon("trash", { size: 18 })),
  );
}
