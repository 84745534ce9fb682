// Modal dialogs on the native <dialog> element (focus trap, Esc, backdrop for free). They show
// as a centred card on wide screens and as a sheet from the bottom on phones.

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
        { class: "sheet-actions", role: "menu" },
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
