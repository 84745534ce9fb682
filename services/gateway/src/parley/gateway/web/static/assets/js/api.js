// The public HTTP API (api.md), as the browser uses it: same origin, the HttpOnly login cookie
// authenticates every call, errors are RFC 9457 problems turned into ApiError.

const BASE = "/api/v1";

export class ApiError extends Error {
  constructor(status, problem = {}, retryAfter = null) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.slug = slugOf(problem.type) || (status === 0 ? "network-error" : `http-${status}`);
    this.title = problem.title || "Something went wrong";
    this.retryAfter = retryAfter;
  }

  get network() {
    return this.status === 0;
  }
}

function slugOf(type) {
  if (!type || typeof type !== "string") return "";
  return type.split("/").filter(Boolean).pop() || "";
}

const unauthorizedListeners = new Set();

/** Called with the ApiError when a signed-in call answers 401 (token expired, suspended...). */
export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

// A command's answer can be lost (504 outcome-unknown, a dropped connection) or refused before
// anything was applied (503 with Retry-After). Each command carries an Idempotency-Key, and a
// retry sends the same key: the server answers it with the first attempt's outcome, so a retry
// never signs up twice or opens a second Space.
const COMMAND_RETRIES = 2;
const MAX_RETRY_WAIT_S = 5;

function newIdempotencyKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function retryable(error) {
  return error.network || error.status === 504 || (error.status === 503 && error.retryAfter !== null);
}

const pause = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

async function request(method, path, body, options = {}) {
  if (method === "GET") return send(method, path, body, options, null);
  const key = newIdempotencyKey();
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send(method, path, body, options, key);
    } catch (error) {
      if (options.keepalive || attempt >= COMMAND_RETRIES || !(error instanceof ApiError) || !retryable(error)) throw error;
      await pause(Math.min(Number(error.retryAfter) || 1, MAX_RETRY_WAIT_S));
    }
  }
}

async function send(method, path, body, { keepalive = false, quiet401 = false } = {}, key) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (key) init.headers["Idempotency-Key"] = `"${key}"`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (keepalive) init.keepalive = true;
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(0, {
      title: "You're offline",
      detail: "Parley can't be reached. Check your connection and try again.",
    });
  }
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const error = new ApiError(response.status, data || { title: response.statusText }, response.headers.get("retry-after"));
    if (response.status === 401 && !quiet401) unauthorizedListeners.forEach((listener) => listener(error));
    throw error;
  }
  return data;
}

const get = (path, options) => request("GET", path, undefined, options);
const post = (path, body = undefined, options) => request("POST", path, body, options);
const put = (path, body = undefined) => request("PUT", path, body);
const patch = (path, body) => request("PATCH", path, body);
const del = (path, options) => request("DELETE", path, undefined, options);

const enc = encodeURIComponent;

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "" && value !== false) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const accounts = {
  register: (handle, display_name, password) => post("/auth/register", { handle, display_name, password }),
  login: (handle, password) => post("/auth/login", { handle, password }),
  logout: () => post("/auth/logout"),
  me: () => get("/me", { quiet401: true }),
  updateMe: (changes) => patch("/me", changes),
  user: (handle) => get(`/users/${enc(handle)}`),
  follow: (handle) => put(`/users/${enc(handle)}/follow`),
  unfollow: (handle) => del(`/users/${enc(handle)}/follow`),
  block: (handle) => put(`/users/${enc(handle)}/block`),
  unblock: (handle) => del(`/users/${enc(handle)}/block`),
  followers: (handle) => get(`/users/${enc(handle)}/followers?limit=100`),
  following: (handle) => get(`/users/${enc(handle)}/following?limit=100`),
};

const space = (id, rest = "") => `/spaces/${enc(id)}${rest}`;

export const spaces = {
  list: ({ state = "live", topic, q, following, limit = 50 } = {}) =>
    get(`/spaces${query({ state, topic, q, following, limit })}`),
  get: (id) => get(space(id)),
  create: (fields) => post("/spaces", fields),
  update: (id, changes) => patch(space(id), changes),
  start: (id) => post(space(id, "/start")),
  end: (id) => post(space(id, "/end")),
  cancel: (id) => post(space(id, "/cancel")),
  remind: (id) => put(space(id, "/reminder")),
  unremind: (id) => del(space(id, "/reminder")),
  calendarUrl: (id) => BASE + space(id, "/calendar.ics"),
  join: (id) => post(space(id, "/join")),
  leave: (id, options) => post(space(id, "/leave"), undefined, options),
  /** {items: [{user_id, handle, display_name, avatar_url, followed}], next_cursor, count} */
  listeners: (id, { cursor, limit = 50 } = {}) => get(space(id, `/listeners${query({ cursor, limit })}`)),
  requestToSpeak: (id) => post(space(id, "/speaker-requests")),
  withdrawRequest: (id) => del(space(id, "/speaker-requests")),
  acceptRequest: (id, userId) => post(space(id, `/speaker-requests/${enc(userId)}/accept`)),
  declineRequest: (id, userId) => post(space(id, `/speaker-requests/${enc(userId)}/decline`)),
  invite: (id, userId, role) => post(space(id, "/invitations"), { user_id: userId, role }),
  acceptInvitation: (id) => post(space(id, "/invitations/accept")),
  declineInvitation: (id) => post(space(id, "/invitations/decline")),
  setMic: (id, muted) => post(space(id, "/mic"), { muted }),
  mute: (id, userId) => post(space(id, `/speakers/${enc(userId)}/mute`)),
  muteAll: (id) => post(space(id, "/mute-all")),
  toAudience: (id, userId) => del(space(id, `/speakers/${enc(userId)}`)),
  remove: (id, userId, { block = false, report = null } = {}) =>
    post(space(id, `/participants/${enc(userId)}/remove`), report ? { block, report } : { block }),
  react: (id, emoji) => post(space(id, "/reactions"), { emoji }),
  pin: (id, url, text) => post(space(id, "/pins"), text ? { url, text } : { url }),
  unpin: (id, pinId) => del(space(id, `/pins/${enc(pinId)}`)),
  analytics: (id) => get(space(id, "/analytics")),
};

export const recordings = {
  get: (id) => get(space(id, "/recording")),
  audioUrl: (id) => BASE + space(id, "/recording/audio"),
  remove: (id) => del(space(id, "/recording")),
  mine: () => get("/me/recordings"),
};

export const clips = {
  /** Clip 30 s: the last 30 s of a live Space (no `startS`), or from `startS` of its replay. */
  create: (spaceId, startS = null) => post(space(spaceId, "/clips"), startS === null ? {} : { start_s: startS }),
  get: (id) => get(`/clips/${enc(id)}`),
  audioUrl: (id) => `${BASE}/clips/${enc(id)}/audio`,
};

export const transcripts = {
  /** {space_id, captions, segments: [{speaker_id, start_ms, end_ms, text}]} (no login needed) */
  get: (spaceId) => get(space(spaceId, "/transcript"), { quiet401: true }),
  /** {spaces: [{space_id, hits: [{speaker_id, start_ms, end_ms, snippet}]}], next_cursor} */
  search: (q, cursor = null) => get(`/transcripts/search${query({ q, cursor })}`, { quiet401: true }),
};

export const media = {
  offer: (id, sdp) => post(space(id, "/media/offer"), { sdp, type: "offer" }),
  hangUp: (id, options) => del(space(id, "/media"), options),
};

export const notifications = {
  list: (cursor) => get(`/notifications${query({ limit: 50, cursor })}`),
  markRead: (upToId) => post("/notifications/read", upToId ? { up_to_id: upToId } : undefined),
};
