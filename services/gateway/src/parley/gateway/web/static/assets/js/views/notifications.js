// The inbox: every notification, newest first, live. Opening it marks them seen (the badge).

import { h, icon, render } from "../dom.js";
import { timeAgo } from "../format.js";
import { notifications } from "../notifications.js";
import { avatar } from "../ui/avatar.js";

const KIND_ICONS = {
  speaker_request: "hand",
  stage_invitation: "mic",
  request_accepted: "check",
  request_declined: "close",
  followed_went_live: "spaces",
  removed: "door",
  reminder: "calendar",
  scheduled_starts_soon: "calendar",
  scheduled_live: "spaces",
  scheduled_canceled: "close",
  recording_ready: "play",
};

// Where a notification of each kind leads, under its Space (default: the Space itself).
const KIND_PAGES = { recording_ready: "/replay" };

/** Where a notification about a Space leads (a recording's, to its replay). */
export function notificationPath(item) {
  return `/spaces/${encodeURIComponent(item.space_id)}${KIND_PAGES[item.kind] ?? ""}`;
}

export const notificationsView = {
  name: "notifications",
  nav: "notifications",
  title: "Notifications",
  requiresAuth: true,
  mount(container) {
    const list = h("div", { class: "notification-list", "aria-live": "polite" });
    const more = h("button", { class: "btn btn-ghost btn-block", hidden: true, onclick: () => notifications.more() }, "Show older");
    render(
      container,
      h("header", { class: "page-head sticky" }, h("div", { class: "page-title-row" }, h("h1", { class: "page-title" }, "Notifications"))),
      list,
      more,
    );
    // What was new when the page opened stays highlighted while you look at it.
    const fresh = new Set(notifications.items.filter((item) => notifications.isUnseen(item)).map((item) => item.id));
    const draw = () => {
      for (const item of notifications.items) if (notifications.isUnseen(item)) fresh.add(item.id);
      render(
        list,
        notifications.items.length
          ? notifications.items.map((item) => row(item, fresh.has(item.id)))
          : h(
              "div",
              { class: "empty-state" },
              h("div", { class: "empty-art", "aria-hidden": "true" }, icon("bell", { size: 36 })),
              h("h2", {}, notifications.status === "open" || notifications.status === "closed" ? "Nothing yet" : "Loading…"),
              h("p", {}, "Requests to speak, invitations, reminders, recordings ready and Spaces from people you follow show up here."),
            ),
      );
      more.hidden = !notifications.nextCursor;
      notifications.markAllSeen();
    };
    notifications.addEventListener("change", draw);
    draw();
    return () => notifications.removeEventListener("change", draw);
  },
};

function row(item, unseen) {
  const kind = h("span", { class: `notification-icon kind-${item.kind}` }, icon(KIND_ICONS[item.kind] || "bell", { size: item.actor_handle ? 13 : 20 }));
  const body = [
    item.actor_handle
      ? h("span", { class: "notification-who" }, avatar({ user_id: item.actor_id, handle: item.actor_handle }), kind)
      : kind,
    h(
      "span",
      { class: "notification-body" },
      h("span", { class: "notification-text" }, item.text),
      h("time", { class: "notification-time", datetime: item.created_at }, timeAgo(item.created_at)),
    ),
  ];
  const attrs = { class: ["notification", { unseen }], dataset: { kind: item.kind } };
  return item.space_id && item.kind !== "removed"
    ? h("a", { ...attrs, href: notificationPath(item) }, body)
    : h("div", attrs, body);
}
