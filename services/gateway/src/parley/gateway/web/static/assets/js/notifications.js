// The signed-in user's notifications: the first page from the live channel's snapshot, then
// each one as it arrives (GET /notifications/live). The badge counts those not seen yet; the
// API has no "mark read", so "seen" is remembered in this browser (the newest one opened).

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

  get seenKey() {
    return `parley.notifications.seen.${session.user?.id}`;
  }

  get seenAt() {
    return localStorage.getItem(this.seenKey) || "";
  }

  isUnseen(item) {
    return !item.read && item.created_at > this.seenAt;
  }

  get unseen() {
    return this.items.filter((item) => this.isUnseen(item)).length;
  }

  markAllSeen() {
    const newest = this.items.reduce((max, item) => (item.created_at > max ? item.created_at : max), this.seenAt);
    if (newest && newest !== this.seenAt) {
      localStorage.setItem(this.seenKey, newest);
      this.emit();
    }
  }

  emit() {
    this.dispatchEvent(new Event("change"));
  }
}

export const notifications = new Notifications();
