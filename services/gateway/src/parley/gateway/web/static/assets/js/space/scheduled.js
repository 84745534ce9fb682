// A scheduled Space's lobby: when it starts (in the viewer's time zone), how many people are
// reminded, "Remind me", "Add to calendar"; for its host Start, Edit (title, description,
// topics, time) and Cancel. Scheduling owns the Space until the host starts it; the answers of
// these commands are the Space, which the model takes as any other view.

import { spaces as spacesApi } from "../api.js";
import { h, icon } from "../dom.js";
import { fromLocalInput, localInputValue, when } from "../format.js";
import { session } from "../session.js";
import { confirmDialog, openDialog } from "../ui/dialog.js";
import { calendarLink, reminderButton, reminderCount } from "../ui/reminder.js";

const MAX_TOPICS = 3;

export function scheduledLobby(page) {
  const model = page.model;
  const view = model.view;
  const starts = h(
    "p",
    { class: "lobby-note lobby-when" },
    icon("calendar", { size: 16 }),
    "Starts ",
    h("time", { datetime: view.scheduled_start }, when(view.scheduled_start)),
  );
  const row = (...children) => h("div", { class: "lobby-row" }, children);
  if (!session.signedIn) {
    return [
      starts,
      reminderCount(view),
      row(
        calendarLink(view),
        h("a", { class: "btn btn-primary btn-sm", href: `/login?next=${encodeURIComponent(location.pathname)}` }, "Log in to get a reminder"),
      ),
    ];
  }
  if (model.isHost) {
    const act = (call, done) => page.act(call, done);
    return [
      starts,
      reminderCount(view),
      h("button", { class: "btn btn-primary btn-lg", disabled: page.busy, onclick: () => page.enter() }, page.busy ? "Starting…" : "Start Space"),
      row(
        h("button", { type: "button", class: "btn btn-outline btn-sm", onclick: () => editScheduledDialog(model, act) }, icon("edit", { size: 16 }), "Edit"),
        h("button", { type: "button", class: "btn btn-outline btn-sm btn-danger-text", onclick: () => cancelScheduled(model, act) }, icon("close", { size: 16 }), "Cancel Space"),
        calendarLink(view),
      ),
    ];
  }
  return [starts, reminderCount(view), row(reminderButton(view, (answer) => model.setView(answer)), calendarLink(view))];
}

export async function cancelScheduled(model, act) {
  const sure = await confirmDialog({
    title: "Cancel this Space?",
    text: "People who set a reminder are told it's canceled. This can't be undone.",
    confirm: "Cancel Space",
    danger: true,
  });
  if (sure) await act(() => spacesApi.cancel(model.id), "Space canceled");
}

/** Edit a scheduled Space: title, description, topics and time (sent only when changed, so
 * an edit of the title an hour before the start is not refused for being too soon). */
export function editScheduledDialog(model, act) {
  const view = model.view;
  const title = h("input", { class: "input", name: "title", maxlength: 70, required: true, value: view.title, "aria-label": "Title" });
  const description = h("textarea", { class: "input", name: "description", maxlength: 280, rows: 3, "aria-label": "Description" });
  description.value = view.description ?? "";
  const topics = h("input", {
    class: "input",
    name: "topics",
    value: (view.topics ?? []).join(", "),
    placeholder: "Up to 3, separated by commas",
    "aria-label": "Topics",
  });
  const originalTime = localInputValue(new Date(view.scheduled_start));
  const time = h("input", { type: "datetime-local", class: "input", name: "scheduled_start", required: true, value: originalTime, "aria-label": "Starts at" });
  const dialog = openDialog({
    title: "Edit scheduled Space",
    body: h(
      "form",
      {
        class: "stack",
        onsubmit: async (event) => {
          event.preventDefault();
          const changes = {
            title: title.value.trim(),
            description: description.value.trim(),
            topics: topics.value
              .split(",")
              .map((topic) => topic.trim())
              .filter(Boolean)
              .slice(0, MAX_TOPICS),
          };
          if (time.value !== originalTime) changes.scheduled_start = fromLocalInput(time.value);
          const answer = await act(() => spacesApi.update(model.id, changes), "Space updated");
          if (answer) dialog.close();
        },
      },
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Title"), title),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Description"), description),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Topics"), topics),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Starts at (your time)"), time),
      h("div", { class: "dialog-actions" }, h("button", { type: "button", class: "btn btn-ghost", onclick: () => dialog.close() }, "Close"), h("button", { type: "submit", class: "btn btn-primary" }, "Save")),
    ),
  });
  title.select();
}
