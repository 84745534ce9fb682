// What someone who cannot see the room is told of it: who starts speaking, and (to the hosts)
// who asks to speak. One polite live region (a log: screen readers read each new line once,
// without interrupting), kept for the page's life so no line is lost to a redraw. Someone
// who pauses and speaks on is not announced again for a while: a conversation is not a
// stream of "X is speaking".

import { h } from "../dom.js";
import { session } from "../session.js";

export const SPEAKING_REPEAT_MS = 20_000;
const LINES_KEPT = 5;

/** Who is heard now and was not before (on stage, mic on, not me). */
export function startedSpeaking(before, model) {
  const now = new Set(
    [...model.speaking].filter((userId) => {
      const member = model.member(userId);
      return member && !member.muted && !session.isMe(userId);
    }),
  );
  return { now, started: [...now].filter((userId) => !before.has(userId)) };
}

/** "Ada is speaking", "Ada and Grace are speaking", "Ada, Grace and Alan are speaking". */
export function speakingLine(names) {
  if (names.length === 0) return "";
  const joined = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return `${joined} ${names.length === 1 ? "is" : "are"} speaking`;
}

export class Announcer {
  constructor() {
    this.el = h("div", { class: "visually-hidden room-announcer", role: "log", "aria-label": "What happens in the Space" });
    this.speakingNow = new Set();
    this.lastAnnounced = new Map(); // user id -> when their speaking was last said
    this.requesters = null; // user ids asking to speak; null until the first list is seen
  }

  say(text) {
    if (!text) return;
    this.el.append(h("p", {}, text));
    while (this.el.childElementCount > LINES_KEPT) this.el.firstElementChild.remove();
  }

  speaking(model, at = Date.now()) {
    const { now, started } = startedSpeaking(this.speakingNow, model);
    this.speakingNow = now;
    const fresh = started.filter((userId) => at - (this.lastAnnounced.get(userId) ?? -Infinity) >= SPEAKING_REPEAT_MS);
    for (const userId of fresh) this.lastAnnounced.set(userId, at);
    const names = fresh.map((userId) => {
      const member = model.member(userId);
      return member.display_name || member.handle;
    });
    this.say(speakingLine(names));
  }

  /** New requests to speak, to those who answer them; the ones already waiting when the page
   * opened are in the request list, not news. */
  requests(model) {
    if (!model.canModerate) {
      this.requesters = null;
      return;
    }
    const requests = model.requests;
    const known = this.requesters;
    this.requesters = new Set(requests.map((request) => request.user_id));
    if (!known) return;
    for (const request of requests.filter((r) => !known.has(r.user_id))) {
      this.say(`${request.display_name || `@${request.handle}`} asks to speak`);
    }
  }
}
