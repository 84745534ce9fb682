// "Remind me" on a scheduled Space (its card in Upcoming, its page): a toggle button that
// says whether the caller is reminded, and how many people are. The server answers with the
// Space (reminded, reminder_count), which `onChange` gets to draw again.

import { spaces as spacesApi } from "../api.js";
import { h, icon } from "../dom.js";
import { plural } from "../format.js";
import { toast, toastError } from "./toast.js";

export function reminderCount(space) {
  const n = space.reminder_count ?? 0;
  return h("span", { class: "reminder-count", dataset: { count: String(n) } }, `${plural(n, "person", "people")} reminded`);
}

export function reminderButton(space, onChange, { size = "sm" } = {}) {
  const on = Boolean(space.reminded);
  const button = h(
    "button",
    {
      type: "button",
      class: ["btn", `btn-${size}`, "reminder-toggle", on ? "btn-primary" : "btn-outline"],
      "aria-pressed": String(on),
      title: on ? "You'll be told when it starts. Click to stop." : "Be told when it starts",
      onclick: async (event) => {
        event.preventDefault(); // inside a card link: do not open the Space
        event.stopPropagation();
        button.disabled = true;
        try {
          const view = on ? await spacesApi.unremind(space.id) : await spacesApi.remind(space.id);
          toast(on ? "Reminder off" : "We'll remind you when it starts");
          onChange(view);
        } catch (error) {
          toastError(error);
          button.disabled = false;
        }
      },
    },
    icon("bell", { size: size === "sm" ? 16 : 18 }),
    on ? "Reminded" : "Remind me",
  );
  return button;
}

/** "Add to calendar": the Space's iCalendar event (updated when the time changes). */
export function calendarLink(space, { size = "sm" } = {}) {
  return h(
    "a",
    { class: ["btn", `btn-${size}`, "btn-ghost"], href: spacesApi.calendarUrl(space.id), download: `parley-${space.id}.ics` },
    icon("calendar", { size: 16 }),
    "Add to calendar",
  );
}
