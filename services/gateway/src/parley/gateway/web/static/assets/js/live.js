// A live channel (WebSocket) that stays open: it reconnects by itself after a network loss or
// a server restart (backing off, with jitter) and tells the page how the connection is, so the
// page can say "Reconnecting…". Each (re)connection starts with a fresh snapshot from the
// server, which heals anything missed while away.
//
// Close codes (gateway ADR 12): 1000 "space-ended" and 4003 removed, 4401 not signed in, 4403
// not allowed, 4404 unknown: final, no reconnect. Anything else (1006 network, 1011, 1013 try
// again later, 1012 restart...) reconnects.

const FINAL_CODES = new Set([4003, 4401, 4403, 4404]);
const PING_EVERY_MS = 15_000;
const DEAD_AFTER_MS = 40_000; // nothing heard (not even a pong) for this long: reconnect
const MAX_BACKOFF_MS = 15_000;

export function liveUrl(path) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/v1${path}`;
}

export class LiveChannel {
  /**
   * @param {string} path e.g. "/spaces/sp_1/live"
   * @param {{onMessage: (m: object) => void, onStatus?: (s: string) => void,
   *          onFinal?: (close: {code: number, reason: string}) => void}} handlers
   * Status: "connecting", "open", "reconnecting", "closed".
   */
  constructor(path, { onMessage, onStatus = () => {}, onFinal = () => {} }) {
    this.path = path;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.onFinal = onFinal;
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
    this.status = "closed";
    this.timers = { retry: 0, ping: 0 };
    this.lastHeard = 0;
    // The browser knows before the socket does: say so at once, and start over when back
    // (a socket that lived through the outage may be dead without knowing it yet).
    this.lost = () => !this.stopped && this.setStatus("reconnecting");
    this.wake = () => this.reconnectNow();
  }

  open() {
    this.stopped = false;
    window.addEventListener("offline", this.lost);
    window.addEventListener("online", this.wake);
    this.connect();
    return this;
  }

  close() {
    this.stopped = true;
    window.removeEventListener("offline", this.lost);
    window.removeEventListener("online", this.wake);
    clearTimeout(this.timers.retry);
    clearInterval(this.timers.ping);
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.close(1000, "bye");
      this.socket = null;
    }
    this.setStatus("closed");
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.onStatus(status);
  }

  connect() {
    if (this.stopped) return;
    this.setStatus(this.attempt === 0 ? "connecting" : "reconnecting");
    const socket = new WebSocket(liveUrl(this.path));
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.lastHeard = Date.now();
      this.setStatus("open");
      clearInterval(this.timers.ping);
      this.timers.ping = setInterval(() => this.keepAlive(), PING_EVERY_MS);
    };
    socket.onmessage = (event) => {
      this.lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message && message.type !== "pong") this.onMessage(message);
    };
    socket.onclose = (event) => this.closed(socket, event);
  }

  closed(socket, { code, reason }) {
    if (socket !== this.socket) return;
    clearInterval(this.timers.ping);
    this.socket = null;
    if (this.stopped) return;
    if (FINAL_CODES.has(code) || (code === 1000 && reason === "space-ended")) {
      this.stopped = true;
      this.setStatus("closed");
      this.onFinal({ code, reason });
      return;
    }
    this.attempt += 1;
    this.setStatus("reconnecting");
    const backoff = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.attempt - 1, 6));
    const delay = code === 1013 ? Math.max(backoff, 2000) : backoff;
    this.timers.retry = setTimeout(() => this.connect(), delay * (0.7 + Math.random() * 0.6));
  }

  reconnectNow() {
    if (this.stopped) return;
    clearTimeout(this.timers.retry);
    clearInterval(this.timers.ping);
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.close();
      this.socket = null;
    }
    this.attempt = Math.max(this.attempt, 1);
    this.connect();
  }

  keepAlive() {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastHeard > DEAD_AFTER_MS) {
      // The network went away without a close: drop it and start over.
      socket.onclose = null;
      socket.close();
      this.closed(socket, { code: 1006, reason: "silent" });
      return;
    }
    socket.send(JSON.stringify({ type: "ping" }));
  }
}
