// What people can do to each other in a Space, as sheets and dialogs: a stage member's
// actions (mute, move to audience, make co-host, remove), a listener's (invite to speak or
// co-host, remove), removing someone (optionally block or report), inviting by handle,
// pinning a post, editing the title.

import { accounts, spaces as spacesApi } from "../api.js";
import { h } from "../dom.js";
import { session } from "../session.js";
import { avatar } from "../ui/avatar.js";
import { actionSheet, openDialog } from "../ui/dialog.js";
import { toast } from "../ui/toast.js";
import { ROLE_LABELS } from "./model.js";

/**
 * `act(call, done)`: run an API call that answers the Space; the page applies the answer,
 * says `done` in a toast, and shows the problem if it fails.
 */
export function memberSheet(model, member, act) {
  const me = session.user;
  const self = me && member.user_id === me.id;
  const id = model.id;
  const name = member.display_name || member.handle;
  const actions = [];
  const cohostOnCohost = model.role === "cohost" && member.role === "cohost";
  if (model.canModerate && !self && member.role !== "host" && !cohostOnCohost) {
    if (!member.muted) {
      actions.push({ label: `Mute ${name}`, icon: "micOff", run: () => act(() => spacesApi.mute(id, member.user_id), `${name} is muted`) });
    }
    if (model.isHost && member.role === "speaker") {
      actions.push({
        label: "Invite to co-host",
        icon: "star",
        run: () => act(() => spacesApi.invite(id, member.user_id, "cohost"), `Invited ${name} to co-host`),
      });
    }
    actions.push({
      label: "Move to audience",
      icon: "arrowDown",
      run: () => act(() => spacesApi.toAudience(id, member.user_id), `${name} is back in the audience`),
    });
    actions.push({ label: "Remove from Space…", icon: "door", danger: true, run: () => removeDialog(model, member, act) });
  }
  if (self && member.role !== "host") {
    actions.push({ label: "Step down to the audience", icon: "arrowDown", run: () => act(() => spacesApi.toAudience(id, member.user_id), "You're back in the audience") });
  }
  personSheet(member, ROLE_LABELS[member.role] ?? "Listener", actions);
}

/** A listener's card (from the audience grid): their profile for everyone; for the host and
 * co-hosts also an invitation to the stage (co-host: the host only) and removal. */
export function listenerSheet(model, listener, act) {
  const id = model.id;
  const name = listener.display_name || listener.handle || "This listener";
  const actions = [];
  if (model.canModerate && model.live && !session.isMe(listener.user_id)) {
    actions.push({
      label: "Invite to speak",
      icon: "mic",
      run: () => act(() => spacesApi.invite(id, listener.user_id, "speaker"), `Invited ${name} to speak`),
    });
    if (model.isHost) {
      actions.push({
        label: "Invite to co-host",
        icon: "star",
        run: () => act(() => spacesApi.invite(id, listener.user_id, "cohost"), `Invited ${name} to co-host`),
      });
    }
    actions.push({ label: "Remove from Space…", icon: "door", danger: true, run: () => removeDialog(model, listener, act) });
  }
  personSheet(listener, ROLE_LABELS.listener, actions);
}

/** The sheet of someone in the Space: who they are, `actions`, then their profile. */
function personSheet(person, roleLabel, actions) {
  const name = person.display_name || person.handle;
  const all = [...actions];
  if (person.handle) {
    all.push({ label: "View profile", icon: "user", run: () => window.open(`/u/${encodeURIComponent(person.handle)}`, "_blank", "noopener") });
  }
  actionSheet({
    title: name,
    header: h(
      "div",
      { class: "sheet-person" },
      avatar(person, { size: "lg" }),
      h("div", {}, h("div", { class: "sheet-person-name" }, name), h("div", { class: "sheet-person-handle" }, person.handle ? `@${person.handle} · ${roleLabel}` : roleLabel)),
    ),
    actions: all,
  });
}

const REPORT_REASONS = {
  harassment: "Harassment or hate",
  spam: "Spam",
  impersonation: "Impersonation",
  violence: "Violence or threats",
  other: "Something else",
};

export function removeDialog(model, person, act) {
  const name = person.display_name || person.handle;
  const block = h("input", { type: "checkbox", class: "checkbox", name: "block" });
  const report = h("input", { type: "checkbox", class: "checkbox", name: "report" });
  const reason = h(
    "select",
    { class: "input", name: "reason", disabled: true, "aria-label": "Reason" },
    Object.entries(REPORT_REASONS).map(([value, label]) => h("option", { value }, label)),
  );
  const details = h("textarea", { class: "input", rows: 2, maxlength: 500, placeholder: "What happened? (optional)", disabled: true });
  report.addEventListener("change", () => {
    reason.disabled = !report.checked;
    details.disabled = !report.checked;
  });
  formDialog({
    title: `Remove ${name}?`,
    fields: [
      h("p", { class: "dialog-text" }, `${name} will be disconnected and can't come back to this Space.`),
      h("label", { class: "check-row" }, block, h("span", {}, `Also block @${person.handle}`)),
      h("label", { class: "check-row" }, report, h("span", {}, `Also report @${person.handle}`)),
      reason,
      details,
    ],
    buttons: (close) => [
      h("button", { type: "button", class: "btn btn-ghost", onclick: close }, "Cancel"),
      h("button", { type: "submit", class: "btn btn-danger" }, "Remove"),
    ],
    onSubmit: () => {
      const options = { block: block.checked };
      if (report.checked) options.report = { reason: reason.value, text: details.value.trim() || null };
      act(() => spacesApi.remove(model.id, person.user_id, options), `${name} was removed`);
    },
  });
}

/** A dialog holding one form: submitting it closes the dialog and runs `onSubmit`;
 * `buttons(close)` gives the form's buttons. */
function formDialog({ title, fields, buttons, onSubmit }) {
  const dialog = openDialog({
    title,
    body: h(
      "form",
      {
        class: "stack",
        onsubmit: (event) => {
          event.preventDefault();
          dialog.close();
          onSubmit();
        },
      },
      ...fields,
      h("div", { class: "dialog-actions" }, ...buttons(() => dialog.close())),
    ),
  });
  return dialog;
}

const submitButton = (label) => () => [h("button", { type: "submit", class: "btn btn-primary" }, label)];

/** Invite anyone (in the Space or not) by handle, to speak or (host only) to co-host. */
export function inviteForm(model, act) {
  const handle = h("input", { class: "input", name: "handle", placeholder: "@handle", autocomplete: "off", "aria-label": "Handle to invite" });
  const role = h(
    "select",
    { class: "input input-compact", name: "role", "aria-label": "Invite as" },
    h("option", { value: "speaker" }, "Speaker"),
    model.isHost && h("option", { value: "cohost" }, "Co-host"),
  );
  const button = h("button", { type: "submit", class: "btn btn-outline btn-sm" }, "Invite");
  return h(
    "form",
    {
      class: "invite-form",
      onsubmit: async (event) => {
        event.preventDefault();
        const wanted = handle.value.trim().replace(/^@/, "");
        if (!wanted) return;
        button.disabled = true;
        try {
          const user = await accounts.user(wanted);
          await act(() => spacesApi.invite(model.id, user.id, role.value), `Invited @${user.handle} to ${role.value === "cohost" ? "co-host" : "speak"}`);
          handle.value = "";
        } catch (error) {
          toast(error.status === 404 ? `There's no @${wanted}` : error.message, { kind: "error" });
        } finally {
          button.disabled = false;
        }
      },
    },
    handle,
    role,
    button,
  );
}

export function pinDialog(model, act) {
  const url = h("input", { class: "input", type: "url", name: "url", placeholder: "https://…", required: true, "aria-label": "Link to pin" });
  const text = h("input", { class: "input", name: "text", maxlength: 280, placeholder: "Say something about it (optional)", "aria-label": "Text" });
  formDialog({
    title: "Pin a post",
    fields: [h("p", { class: "dialog-text" }, "Everyone in the Space sees pinned posts. Up to 3 at a time."), url, text],
    buttons: submitButton("Pin"),
    onSubmit: () => act(() => spacesApi.pin(model.id, url.value.trim(), text.value.trim()), "Pinned"),
  });
  url.focus();
}

export function editTitleDialog(model, act) {
  const title = h("input", { class: "input", name: "title", maxlength: 70, required: true, value: model.view.title, "aria-label": "Title" });
  formDialog({
    title: "Edit title",
    fields: [title],
    buttons: submitButton("Save"),
    onSubmit: () => act(() => spacesApi.update(model.id, { title: title.value.trim() }), "Title updated"),
  });
  title.select();
}
