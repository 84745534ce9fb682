// Modal dialogs on the native <dialog> element (focus trap, Esc, backdrop, and the focus given
// back to the opener on close, for free). They show as a centred card on wide screens and as a
// sheet from the bottom on phones.

import { h, icon } from "../dom.js";

export function openDialog({ title, body, className = "", onClose = () => {} }) {
  const dialog = h(
    "dialog",
    { class: `dialog ${className}`, "aria-label": title },
    h(
      "div",
      { class: "dialog-head" },
      h("h2", { class: "dialog-title" }, title),
      h("button", { class: "icon-btn", "aria-label": "Close", onclick: () => dialog.close() }, icon("close")),
    ),
    h("div", { class: "dialog-body" }, body),
  );
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close(); // a click on the backdrop
  });
  dialog.addEventListener("close", () => {
    dialog.remove();
    onClose();
  });
  document.body.append(dialog);
  dialog.showModal();
  // The focus goes to what asks for it (autofocus), else to the first thing to use in the
  // body, not to the head's Close button (the browser's choice).
  if (!dialog.querySelector("[autofocus]")) {
    const first = dialog.querySelector(".dialog-body :is(button, a[href], input, select, textarea):not(:disabled)");
    (first ?? dialog.querySelector(".dialog-head button")).focus();
  }
  return dialog;
}

/** Ask before doing something; resolves true when confirmed. */
export function confirmDialog({ title, text, confirm = "Confirm", danger = false }) {
  return new Promise((resolve) => {
    let answer = false;
    const dialog = openDialog({
      title,
      className: "dialog-confirm",
      onClose: () => resolve(answer),
      body: [
        h("p", { class: "dialog-text" }, text),
        h(
          "div",
          { class: "dialog-actions" },
          h("button", { class: "btn btn-ghost", onclick: () => dialog.close() }, "Cancel"),
          h(
            "button",
            {
              class: ["btn", danger ? "btn-danger" : "btn-primary"],
              autofocus: true,
              onclick: () => {
                answer = true;
                dialog.close();
              },
            },
            confirm,
          ),
        ),
      ],
    });
  });
}

/** A menu of actions in a sheet: [{label, icon, danger, run}]. */
export function actionSheet({ title, header = null, actions }) {
  const dialog = openDialog({
    title,
    className: "dialog-sheet",
    body: [
      header,
      h(
        "div",
        { class: "sheet-actions", role: "menu", onkeydown: moveInMenu },
        actions.map((action) =>
          h(
            "button",
            {
              class: ["sheet-action", { danger: action.danger }],
              role: "menuitem",
              onclick: () => {
                dialog.close();
                action.run();
              },
            },
            action.icon && icon(action.icon),
            h("span", {}, action.label),
          ),
        ),
      ),
    ],
  });
  return dialog;
}

/** Up and down arrows move between a menu's items (and round), as in any menu. */
function moveInMenu(event) {
  const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
  if (!step) return;
  event.preventDefault();
  const items = [...event.currentTarget.querySelectorAll("[role=menuitem]:not(:disabled)")];
  const at = items.indexOf(document.activeElement);
  items[(at + step + items.length) % items.length]?.focus();
}
