// The signed-in user's notifications: the first page from the live channel's snapshot, then
// each one as it arrives (GET /notifications/live). The badge counts the unread ones; opening
// the list marks them read on the server (POST /notifications/read), so every device agrees.
// Requests to speak and their answers about the Space on screen are news to nobody: its page
// shows them as they happen, so they are seen there and never badged (an invitation still is:
// it waits for an answer). The server marks read only "up to" one, so that is kept here.

import { notifications as notificationsApi } from "./api.js";
import { LiveChannel } from "./live.js";
import { session } from "./session.js";

const SEEN_IN_PLACE_KEY = "parley.notifications.seenInPlace";
const SEEN_IN_PLACE_KEPT = 200;
const SHOWN_IN_THE_SPACE = new Set(["speaker_request", "request_accepted", "request_declined"]);

class Notifications extends EventTarget {
  constructor() {
    super();
    this.items = [];
    this.nextCursor = null;
    this.channel = null;
    this.status = "closed";
    this.viewing = null; // the Space on screen, if any
    this.seenInPlace = new Set(readSeenInPlace());
  }

  /** The Space `spaceId` is on screen until the returned function is called. */
  watch(spaceId) {
    this.viewing = spaceId;
    this.seeInPlace(this.items);
    return () => {
      if (this.viewing === spaceId) this.viewing = null;
    };
  }

  seeInPlace(items) {
    const here = items.filter(
      (item) => this.viewing && item.space_id === this.viewing && SHOWN_IN_THE_SPACE.has(item.kind) && !item.read && !this.seenInPlace.has(item.id),
    );
    if (!here.length) return;
    for (const item of here) this.seenInPlace.add(item.id);
    keepSeenInPlace([...this.seenInPlace].slice(-SEEN_IN_PLACE_KEPT));
    this.emit();
  }

  start() {
    this.stop();
    if (!session.signedIn) return;
    this.channel = new LiveChannel("/notifications/live", {
      onMessage: (message) => this.receive(message),
      onStatus: (status) => {
        this.status = status;
        this.emit();
      },
    }).open();
  }

  stop() {
    this.channel?.close();
    this.channel = null;
    this.items = [];
    this.nextCursor = null;
    this.emit();
  }

  receive(message) {
    if (message.type === "notifications.state") {
      this.items = message.data.items ?? [];
      this.nextCursor = message.data.next_cursor ?? null;
      this.seeInPlace(this.items);
      this.emit();
    } else if (message.type === "notification") {
      this.add(message.data);
    }
  }

  add(item) {
    if (!item?.id || this.items.some((known) => known.id === item.id)) return;
    this.items = [item, ...this.items];
    this.seeInPlace([item]);
    this.emit();
    this.dispatchEvent(new CustomEvent("arrived", { detail: item }));
  }

  async more() {
    if (!this.nextCursor) return;
    const page = await notificationsApi.list(this.nextCursor);
    const known = new Set(this.items.map((item) => item.id));
    this.items = [...this.items, ...page.items.filter((item) => !known.has(item.id))];
    this.nextCursor = page.next_cursor ?? null;
    this.emit();
  }

  isUnseen(item) {
    return !item.read && !this.seenInPlace.has(item.id);
  }

  get unseen() {
    return this.items.filter((item) => this.isUnseen(item)).length;
  }

  markAllSeen() {
    const unread = this.items.filter((item) => !item.read);
    if (!unread.length) return;
    const newest = unread.reduce((max, item) => (item.created_at > max.created_at ? item : max));
    this.items = this.items.map((item) => (item.read ? item : { ...item, read: true }));
    this.emit();
    notificationsApi.markRead(newest.id).catch(() => {
      // Not fatal: the badge comes back with the next snapshot, and the next visit retries.
    });
  }

  emit() {
    this.dispatchEvent(new Event("change"));
  }
}

export const notifications = new Notifications();

function readSeenInPlace() {
  try {
    return JSON.parse(localStorage.getItem(SEEN_IN_PLACE_KEY) ?? "[]");
  } catch {
    return [];
  }
}

function keepSeenInPlace(ids) {
  try {
    localStorage.setItem(SEEN_IN_PLACE_KEY, JSON.stringify(ids));
  } catch {
    // Private mode or a full storage: seen in place for this visit only.
  }
}
