// Who is signed in. The token itself lives in an HttpOnly cookie the page cannot read; the
// page only knows the account (getMe) and hears when it changes.

import { accounts, onUnauthorized } from "./api.js";

class Session extends EventTarget {
  constructor() {
    super();
    this.user = null;
    onUnauthorized((error) => {
      if (this.user) this.set(null, error);
    });
  }

  get signedIn() {
    return this.user !== null;
  }

  async load() {
    try {
      this.user = await accounts.me();
    } catch {
      this.user = null;
    }
    return this.user;
  }

  set(user, reason = null) {
    this.user = user;
    this.dispatchEvent(new CustomEvent("change", { detail: { user, reason } }));
  }

  async signOut() {
    await accounts.logout().catch(() => {});
    this.set(null);
  }

  isMe(userId) {
    return this.user !== null && this.user.id === userId;
  }
}

export const session = new Session();
