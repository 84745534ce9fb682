// Emoji reactions: a picker that sends one (rate-limited server-side) and a layer where every
// reaction in the Space floats up the screen. Your own float at once; the batches the Space
// sends back include them, so they are not floated twice.

import { spaces as spacesApi } from "../api.js";
import { h } from "../dom.js";
import { toastError } from "../ui/toast.js";

export const EMOJI = ["💯", "😂", "😍", "👏", "🙌", "✋", "🔥", "❤️", "😢", "🤔"];
const MAX_FLOATING = 48;
const MAX_PER_BATCH = 12;

export class ReactionLayer {
  constructor() {
    this.el = h("div", { class: "reaction-layer", "aria-hidden": "true" });
    this.pending = new Map(); // emoji -> sent by me, not yet seen in a batch
    this.timers = new Set();
  }

  spawn(emoji) {
    if (this.el.childElementCount >= MAX_FLOATING) this.el.firstElementChild?.remove();
    const item = h(
      "span",
      {
        class: "float-emoji",
        style: {
          "--x": `${(8 + Math.random() * 84).toFixed(1)}%`,
          "--drift": `${Math.round(Math.random() * 80 - 40)}px`,
          "--spin": `${Math.round(Math.random() * 40 - 20)}deg`,
          "--dur": `${(2.6 + Math.random() * 1.2).toFixed(2)}s`,
          "--size": `${(1.8 + Math.random() * 0.9).toFixed(2)}rem`,
        },
      },
      emoji,
    );
    item.addEventListener("animationend", () => item.remove());
    this.el.append(item);
  }

  mine(emoji) {
    this.pending.set(emoji, (this.pending.get(emoji) ?? 0) + 1);
    this.spawn(emoji);
  }

  /** A batch from the Space: {counts: {emoji: n}, window_ms}; spread over the window. */
  batch({ counts = {}, window_ms: windowMs = 500 }) {
    for (const [emoji, n] of Object.entries(counts)) {
      const own = Math.min(this.pending.get(emoji) ?? 0, n);
      if (own) this.pending.set(emoji, this.pending.get(emoji) - own);
      const show = Math.min(n - own, MAX_PER_BATCH);
      for (let i = 0; i < show; i++) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.spawn(emoji);
        }, (i * windowMs) / Math.max(show, 1));
        this.timers.add(timer);
      }
    }
  }

  clear() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.el.replaceChildren();
  }
}

/** The row of emoji to react with. */
export function reactionPicker(spaceId, layer, { onPicked = () => {} } = {}) {
  return h(
    "div",
    { class: "reaction-picker", role: "group", "aria-label": "Reactions" },
    EMOJI.map((emoji) =>
      h(
        "button",
        {
          class: "emoji-btn",
          "aria-label": `React ${emoji}`,
          onclick: async () => {
            layer.mine(emoji);
            onPicked(emoji);
            try {
              await spacesApi.react(spaceId, emoji);
            } catch (error) {
              layer.pending.set(emoji, Math.max(0, (layer.pending.get(emoji) ?? 1) - 1));
              toastError(error);
            }
          },
        },
        emoji,
      ),
    ),
  );
}
