import { h, icon } from "../dom.js";

const TOAST_MS = 4500;

/** A short message at the bottom of the screen; `action` adds a button ({label, run}). */
export function toast(message, { kind = "info", action = null, duration = TOAST_MS } = {}) {
  const host = document.getElementById("toasts");
  const close = () => {
    item.classList.add("leaving");
    setTimeout(() => item.remove(), 250);
  };
  const item = h(
    "div",
    { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
    h("span", { class: "toast-text" }, message),
    action &&
      h(
        "button",
        {
          class: "toast-action",
          onclick: () => {
            action.run();
            close();
          },
        },
        action.label,
      ),
    h("button", { class: "toast-close", "aria-label": "Dismiss", onclick: close }, icon("close", { size: 16 })),
  );
  host.append(item);
  while (host.children.length > 3) host.firstElementChild.remove();
  setTimeout(close, duration);
  return close;
}

/** Show what went wrong with an API call, in words. */
export function toastError(error, fallback = "Something went wrong") {
  if (error?.status === 429) {
    return toast("Slow down a little — try again in a moment.", { kind: "error" });
  }
  return toast(error?.message || fallback, { kind: "error" });
}
