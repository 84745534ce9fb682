// A Space as this browser knows it: the caller's view (getSpace, command answers, the live
// channel's `space.state` snapshot) kept current by the live messages.
//
// State-bearing live messages carry the whole state of their part and a version (the ROOM
// stream sequence); one not newer than what we have is ignored, so duplicates and late
// arrivals never roll anything back. Emits "change" ({detail: part}) and one event per
// ephemeral message: "reactions", "speaking", "warning", "notification", "captions", and
// "audience" (who came and went: a delta the page's AudienceList applies).

import { session } from "../session.js";

const STAGE_ROLES = ["host", "cohost", "speaker"];
// The parts of a view that live messages replace, each with its own version.
const PARTS = {
  stage: ["host", "cohosts", "speakers"],
  requests: ["speaker_requests", "my_speaker_request"],
  pins: ["pins"],
  info: ["title", "description", "topics", "settings"],
};

export class SpaceModel extends EventTarget {
  constructor(id) {
    super();
    this.id = id;
    this.view = null;
    this.versions = { stage: 0, requests: 0, pins: 0, info: 0 };
    this.micVersions = new Map();
    this.speaking = new Set();
    this.levels = {};
    this.removed = false;
  }

  // -- what the page asks -------------------------------------------------------------------

  get role() {
    return this.removed ? "removed" : this.view?.my_role ?? "none";
  }

  get onStage() {
    return STAGE_ROLES.includes(this.role);
  }

  get isHost() {
    return this.role === "host";
  }

  get canModerate() {
    return this.role === "host" || this.role === "cohost";
  }

  get ended() {
    return this.view?.state === "ended" || this.view?.state === "canceled";
  }

  get live() {
    return this.view?.state === "live";
  }

  /** Everyone on stage, host first, each with their `role`. */
  get stage() {
    if (!this.view) return [];
    return [
      { ...this.view.host, role: "host" },
      ...this.view.cohosts.map((m) => ({ ...m, role: "cohost" })),
      ...this.view.speakers.map((m) => ({ ...m, role: "speaker" })),
    ];
  }

  member(userId) {
    return this.stage.find((m) => m.user_id === userId) ?? null;
  }

  get me() {
    return session.user ? this.member(session.user.id) : null;
  }

  get myMuted() {
    return this.me?.muted ?? true;
  }

  get requests() {
    return this.view?.speaker_requests ?? [];
  }

  // -- what changes it ----------------------------------------------------------------------

  /** A whole view (getSpace, a command's answer, the snapshot), merged part by part: where
   * a live message already brought a newer state of a part, that part is kept.
   * `withSpeaking`: the view is the gateway's, whose `speaking` list is current. */
  setView(view, { withSpeaking = false } = {}) {
    if (!view) return false;
    const before = this.view;
    const next = structuredClone(view);
    const v = view.version ?? 0;
    for (const [part, keys] of Object.entries(PARTS)) {
      if (before && v < this.versions[part]) for (const key of keys) next[key] = before[key];
      else this.versions[part] = v;
    }
    if (before && v < this.versions.stage) {
      next.my_role = this.roleFrom(next, view.my_role);
    } else {
      for (const [userId, known] of this.micVersions) if (known <= v) this.micVersions.delete(userId);
    }
    if (before && (before.state === "ended" || before.state === "canceled")) next.state = before.state;
    this.view = next;
    if (view.my_role === "removed") this.removed = true;
    // Only the gateway's views (getSpace, the live snapshot) say who is speaking (it asks the
    // media relay); command answers carry an empty list: keep what we know.
    if (withSpeaking && Array.isArray(view.speaking)) this.speaking = new Set(view.speaking);
    this.changed("all", before);
    return true;
  }

  /** My role given the stage we know: on it, or else what the server said (never a stage
   * role the stage no longer shows). */
  roleFrom(view, said) {
    const me = session.user?.id;
    if (!me) return said;
    if (view.host.user_id === me) return "host";
    if (view.cohosts.some((m) => m.user_id === me)) return "cohost";
    if (view.speakers.some((m) => m.user_id === me)) return "speaker";
    return STAGE_ROLES.includes(said) ? "listener" : said;
  }

  apply(message) {
    const data = message.data ?? {};
    switch (message.type) {
      case "space.state": // the gateway's snapshot, like getSpace, says who is speaking
        this.setView(data, { withSpeaking: true });
        break;
      case "stage.changed":
        this.stageChanged(data);
        break;
      case "speaker.request":
        this.requestsChanged(data);
        break;
      case "mic.changed":
        this.micChanged(data);
        break;
      case "listeners.count":
        if (this.view && typeof data.count === "number") {
          this.view.listener_count = data.count;
          this.changed("count");
        }
        break;
      case "audience.changed":
        if (this.view && typeof data.count === "number") {
          this.view.listener_count = data.count;
          this.changed("count");
        }
        this.emit("audience", data);
        break;
      case "pins.changed":
        if (this.newer("pins", data.version)) {
          this.view.pins = data.pins ?? [];
          this.changed("pins");
        }
        break;
      case "space.updated":
        if (this.newer("info", data.version)) {
          for (const key of ["title", "description", "topics", "settings", "host_connected"]) {
            if (key in data) this.view[key] = data[key];
          }
          if (data.state && !this.ended) this.view.state = data.state; // e.g. it just started
          this.changed("info");
        }
        break;
      case "space.ended":
        if (this.view && !this.ended) {
          this.view.state = "ended";
          this.view.ended_at = message.at;
          this.changed("ended");
        }
        break;
      case "you.removed":
        this.removed = true;
        this.changed("removed");
        break;
      case "speaking":
        this.speaking = new Set(data.user_ids ?? []);
        this.levels = data.levels ?? {};
        this.emit("speaking", data);
        break;
      case "reactions":
        this.emit("reactions", data);
        break;
      case "blocked.speaker.warning":
        this.emit("warning", data);
        break;
      case "notification":
        if (!data.space_id || data.space_id === this.id) this.emit("notification", data);
        break;
      case "captions.partial":
      case "captions.final":
        this.emit("captions", { final: message.type === "captions.final", ...data });
        break;
      default:
        break;
    }
  }

  newer(part, version) {
    if (!this.view) return false;
    if (typeof version !== "number") return true;
    if (version <= this.versions[part]) return false;
    this.versions[part] = version;
    return true;
  }

  stageChanged(data) {
    if (!this.newer("stage", data.version)) return;
    const before = structuredClone(this.view);
    this.view.host = data.host ?? this.view.host;
    this.view.cohosts = data.cohosts ?? [];
    this.view.speakers = data.speakers ?? [];
    for (const m of this.stage) this.micVersions.set(m.user_id, this.versions.stage);
    const me = session.user?.id;
    if (me) {
      const mine = this.member(me);
      if (mine) {
        this.view.my_role = mine.role;
        this.view.my_speaker_request = "none";
        this.view.my_invitation = null;
      } else if (STAGE_ROLES.includes(this.view.my_role)) {
        this.view.my_role = "listener";
      }
      if (!["host", "cohost"].includes(this.view.my_role)) {
        this.view.speaker_requests = [];
        this.view.invitations = [];
      }
    }
    this.changed("stage", before);
  }

  requestsChanged(data) {
    if (!this.newer("requests", data.version)) return;
    const requests = data.requests ?? [];
    if (this.canModerate) this.view.speaker_requests = requests;
    const me = session.user?.id;
    if (me && !this.onStage) {
      this.view.my_speaker_request = requests.some((r) => r.user_id === me) ? "pending" : "none";
    }
    this.changed("requests");
  }

  micChanged({ user_id: userId, muted, version }) {
    if (!this.view) return;
    if (typeof version === "number") {
      const known = Math.max(this.micVersions.get(userId) ?? 0, this.versions.stage);
      if (version <= known) return;
      this.micVersions.set(userId, version);
    }
    const member = [this.view.host, ...this.view.cohosts, ...this.view.speakers].find((m) => m.user_id === userId);
    if (!member) return;
    member.muted = Boolean(muted);
    this.changed("mic", { userId, muted: member.muted });
  }

  changed(part, before = null) {
    this.dispatchEvent(new CustomEvent("change", { detail: { part, before } }));
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

export const ROLE_LABELS = { host: "Host", cohost: "Co-host", speaker: "Speaker", listener: "Listener" };
