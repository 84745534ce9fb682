// The stage: host, co-hosts and speakers as tiles (avatar, name, role, muted mic), each with
// a ring that pulses while they speak and, with captions on, their words under it. Speaking and
// caption updates only touch the tiles that exist, so they are cheap however often they come.

import { h, icon } from "../dom.js";
import { session } from "../session.js";
import { avatar } from "../ui/avatar.js";
import { ROLE_LABELS } from "./model.js";

export function stageGrid(model, { onSelect }) {
  const members = model.stage;
  return h(
    "ul",
    { class: ["stage", `stage-size-${Math.min(members.length, 6)}`], "aria-label": "On stage" },
    members.map((member) => h("li", { class: "stage-slot" }, tile(member, model, onSelect))),
  );
}

function tile(member, model, onSelect) {
  const me = session.isMe(member.user_id);
  const name = member.display_name || member.handle;
  const speaking = model.speaking.has(member.user_id) && !member.muted;
  const role = me ? `${ROLE_LABELS[member.role]} · You` : ROLE_LABELS[member.role];
  // The name says what the tile shows, in its order, then what only the mic badge shows.
  return h(
    "button",
    {
      class: ["tile", `role-${member.role}`, { muted: member.muted, speaking, me }],
      dataset: { userId: member.user_id, handle: member.handle },
      "aria-label": `${name}, ${role}${member.muted ? ", muted" : ""}`,
      onclick: () => onSelect(member),
    },
    h(
      "span",
      { class: "tile-avatar" },
      h("span", { class: "ring", "aria-hidden": "true" }),
      avatar(member, { size: "lg" }),
      h("span", { class: "mic-badge", "aria-hidden": "true" }, icon(member.muted ? "micOff" : "mic", { size: 14 })),
    ),
    h("span", { class: "tile-name" }, name),
    " ",
    h("span", { class: "tile-role" }, role),
  );
}

/** Apply the latest `speaking` set (and levels) to the tiles on screen. */
export function paintSpeaking(root, model, { localUserId = null, localLevel = 0 } = {}) {
  for (const el of root.querySelectorAll(".tile[data-user-id]")) {
    const userId = el.dataset.userId;
    const member = model.member(userId);
    const muted = member?.muted ?? true;
    const local = userId === localUserId && localLevel > 0.25;
    const on = !muted && (model.speaking.has(userId) || local);
    el.classList.toggle("speaking", on);
    const db = model.levels?.[userId];
    const level = local ? localLevel : typeof db === "number" ? Math.max(0, Math.min(1, (db + 60) / 50)) : 0.6;
    el.style.setProperty("--level", on ? level.toFixed(2) : "0");
  }
}

/** Under each tile, that speaker's caption line from `lines` (a CaptionLines), or nothing
 * when `lines` is null (captions hidden or off). */
export function paintCaptions(root, lines) {
  for (const slot of root.querySelectorAll(".stage-slot")) {
    const userId = slot.querySelector(".tile[data-user-id]")?.dataset.userId;
    const line = lines && userId ? lines.lineOf(userId) : null;
    let caption = slot.querySelector(".tile-caption");
    if (!line) {
      caption?.remove();
      continue;
    }
    if (!caption) {
      caption = h("p", { class: "tile-caption" }, h("span", { class: "tile-caption-text" }));
      slot.append(caption);
    }
    caption.dataset.segmentId = line.segmentId;
    caption.classList.toggle("partial", !line.final);
    caption.classList.toggle("fading", line.fading);
    caption.firstElementChild.textContent = line.text;
  }
}
