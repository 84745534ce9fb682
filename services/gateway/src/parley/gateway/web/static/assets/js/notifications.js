// The signed-in user's notifications: the first page from the live channel's snapshot, then
// each one as it arrives (GET /notifications/live). The badge counts the unread ones; opening
// the list marks them read on the server (POST /notifications/read), so every device agrees.

import { notifications as notificationsApi } from "./api.js";
import { LiveChannel } from "./live.js";
import { session } from "./session.js";

class Notifications extends EventTarget {
  constructor() {
    super();
    this.items = [];
    this.nextCursor = null;
    this.channel = null;
    this.status = "closed";
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
      this.emit();
    } else if (message.type === "notification") {
      this.add(message.data);
    }
  }

  add(item) {
    if (!item?.id || this.items.some((known) => known.id === item.id)) return;
    this.items = [item, ...this.items];
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
    return !item.read;
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
