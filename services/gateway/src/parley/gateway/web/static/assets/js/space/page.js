// A Space's page: the lobby (what it is, who's on stage, "Start listening"), the room once
// in (stage, audience, pins, reactions, mic, requests), and the clear end states: ended,
// removed, can't join, doesn't exist. One live channel feeds the model and the audience
// list; one WebRTC session plays and (on stage) sends the audio; both reconnect by
// themselves. How the page draws itself is in room_view.js (the room) and controls.js (the
// bar and the hosts' panel).

import { spaces as spacesApi } from "../api.js";
import { h, render } from "../dom.js";
import { shareLink } from "../format.js";
import { LiveChannel } from "../live.js";
import { audioContext, SpaceAudio } from "../media.js";
import { notifications } from "../notifications.js";
import { navigate } from "../router.js";
import { session } from "../session.js";
import { confirmDialog } from "../ui/dialog.js";
import { toast, toastError } from "../ui/toast.js";
import { Announcer } from "./announcer.js";
import { AudienceList } from "./audience.js";
import { CaptionLines, captionsWanted, rememberCaptionsWanted } from "./captions.js";
import { Controls } from "./controls.js";
import { SpaceModel } from "./model.js";
import { ReactionLayer } from "./reactions.js";
import { RoomView } from "./room_view.js";

const LOBBY_POLL_MS = 10_000;
const METER_MS = 80;

export const spaceView = {
  name: "space",
  title: "Space",
  immersive: true,
  mount(container, { id }) {
    const page = new SpacePage(container, id);
    page.start();
    return () => page.destroy();
  },
};

class SpacePage {
  constructor(container, id) {
    this.container = container;
    this.id = id;
    this.model = new SpaceModel(id);
    this.audience = new AudienceList(id);
    this.layer = new ReactionLayer();
    this.announcer = new Announcer();
    this.phase = "loading"; // loading | missing | error | lobby | in | ended | removed | refused
    this.problem = null;
    this.live = null;
    this.connection = "closed";
    this.everDown = false;
    this.audio = null;
    this.audioState = { state: "idle", error: null };
    this.publishing = false;
    this.joined = false;
    this.busy = false;
    this.pickerOpen = false;
    this.sideOpen = false;
    this.warning = null;
    this.captions = new CaptionLines(() => this.paintCaptions());
    this.captionsWanted = captionsWanted();
    this.analytics = null;
    this.clipping = false;
    this.selfMuting = false;
    this.timers = { poll: 0, meter: 0 };
    this.destroyed = false;
    this.unwatch = notifications.watch(id); // what happens here is not news in the badge
    this.onPageHide = () => this.teardown({ leave: true });
    window.addEventListener("pagehide", this.onPageHide);
    this.wire();
  }

  // -- lifecycle ------------------------------------------------------------------------------

  async start() {
    render(this.container, h("div", { class: "loading-block tall" }, h("span", { class: "spinner" }), h("p", {}, "Opening the Space…")));
    try {
      this.model.setView(await spacesApi.get(this.id), { withSpeaking: true });
    } catch (error) {
      this.phase = error.status === 404 || error.status === 422 ? "missing" : "error";
      this.problem = error;
      this.draw();
      return;
    }
    document.title = `${this.model.view.title} · Parley`;
    this.announcer.requests(this.model); // those already waiting are not news
    if (this.model.removed) this.phase = "removed";
    else if (this.model.ended) this.toEnded();
    else {
      this.phase = "lobby";
      this.openLive();
      this.pollWhileWaiting();
    }
    this.draw();
  }

  destroy() {
    this.destroyed = true;
    this.unwatch();
    window.removeEventListener("pagehide", this.onPageHide);
    this.teardown({ leave: true });
    this.layer.clear();
    this.captions.clear();
    this.audience.close();
    document.removeEventListener("click", this.closePickerOutside);
  }

  teardown({ leave }) {
    clearInterval(this.timers.poll);
    clearInterval(this.timers.meter);
    this.audio?.close({ keepalive: true });
    this.audio = null;
    this.live?.close();
    this.live = null;
    if (leave && this.joined && !this.model.isHost && !this.model.ended && !this.model.removed) {
      spacesApi.leave(this.id, { keepalive: true }).catch(() => {});
    }
    this.joined = false;
  }

  wire() {
    this.model.addEventListener("change", (event) => this.changed(event.detail));
    this.model.addEventListener("reactions", (event) => this.layer.batch(event.detail));
    this.model.addEventListener("speaking", () => {
      this.paintSpeaking();
      if (this.phase === "in") this.announcer.speaking(this.model);
    });
    this.model.addEventListener("warning", (event) => {
      this.warning = event.detail;
      this.drawBanners();
    });
    this.model.addEventListener("notification", (event) => this.notified(event.detail));
    this.model.addEventListener("audience", (event) => this.audience.apply(event.detail));
    this.audience.addEventListener("change", () => this.drawAudience());
    this.model.addEventListener("captions", (event) => this.showsCaptions && this.captions.take(event.detail));
    this.closePickerOutside = (event) => {
      if (this.pickerOpen && !event.target.closest(".reaction-picker, .react-toggle")) {
        this.pickerOpen = false;
        this.drawPicker();
        this.drawBar();
      }
    };
    document.addEventListener("click", this.closePickerOutside);
  }

  openLive() {
    this.live = new LiveChannel(`/spaces/${encodeURIComponent(this.id)}/live`, {
      onMessage: (message) => this.model.apply(message),
      onStatus: (status) => {
        const wasDown = this.everDown && this.connection === "reconnecting";
        this.connection = status;
        if (status === "reconnecting") this.everDown = true;
        if (status === "open" && wasDown) toast("Reconnected");
        // The snapshot that opens the channel does not say who is speaking; getSpace does.
        // Nor who is in the audience; and a reconnect may have missed its deltas.
        if (status === "open") {
          this.refresh();
          this.audience.load();
        }
        this.drawBanners();
      },
      onFinal: ({ code, reason }) => this.liveClosed(code, reason),
    }).open();
  }

  liveClosed(code, reason) {
    if (code === 4003) {
      this.model.removed = true;
      this.toRemoved();
    } else if (code === 1000 && reason === "space-ended") {
      if (!this.model.ended) this.model.apply({ type: "space.ended", at: new Date().toISOString(), data: {} });
    } else if (code === 4404) {
      this.phase = "missing";
      this.teardown({ leave: false });
    } else if (code === 4401) {
      toast("Your session expired. Log in again to keep listening.", { kind: "error" });
      this.teardown({ leave: false });
      this.phase = "lobby";
    } else if (code === 4403) {
      this.phase = "refused";
      this.problem = { title: "You can't watch this Space", message: reason };
      this.teardown({ leave: false });
    }
    this.draw();
  }

  /** A Space that hasn't started: look again now and then (there is no "started" message). */
  pollWhileWaiting() {
    clearInterval(this.timers.poll);
    this.timers.poll = setInterval(async () => {
      if (this.model.live || this.model.ended || this.destroyed) {
        clearInterval(this.timers.poll);
        return;
      }
      await this.refresh();
    }, LOBBY_POLL_MS);
  }

  /** Read the Space again (getSpace: also who is speaking); failures wait for the next time. */
  async refresh() {
    try {
      this.model.setView(await spacesApi.get(this.id), { withSpeaking: true });
    } catch {
      /* the live channel or the next refresh heals it */
    }
  }

  // -- entering, leaving, ending --------------------------------------------------------------

  async enter() {
    if (this.busy) return;
    audioContext(); // inside the click: audio may play
    this.busy = true;
    this.drawBar();
    try {
      if (this.model.isHost) {
        if (!this.model.live) this.model.setView(await spacesApi.start(this.id));
      } else {
        const joined = await spacesApi.join(this.id);
        this.joined = true;
        this.model.setView(joined.space);
      }
    } catch (error) {
      this.busy = false;
      this.refusedToJoin(error);
      return;
    }
    this.busy = false;
    this.phase = "in";
    this.startAudio();
    if (this.model.isHost) toast("You're live. Your mic is off — unmute when you're ready.");
    this.draw();
  }

  refusedToJoin(error) {
    if (error.slug === "removed-from-space") {
      this.model.removed = true;
      this.toRemoved();
    } else if (error.slug === "space-ended" || (error.status === 409 && error.slug === "space-not-live")) {
      this.refresh();
      toastError(error);
    } else if (error.status === 403) {
      this.phase = "refused";
      this.problem = error;
      this.teardown({ leave: false });
    } else {
      toastError(error);
    }
    this.draw();
  }

  startAudio() {
    this.audio = new SpaceAudio(this.id);
    this.audio.setMuted(this.model.myMuted);
    this.audio.addEventListener("state", (event) => {
      this.audioState = event.detail;
      if (event.detail.error?.mic) toast(event.detail.error.message, { kind: "error" });
      this.drawAudioStatus();
    });
    this.audio.addEventListener("blocked", () => {
      this.audioState = { state: "blocked", error: null };
      this.drawAudioStatus();
    });
    this.publishing = this.model.onStage;
    this.audio.connect({ publish: this.publishing });
    clearInterval(this.timers.meter);
    this.timers.meter = setInterval(() => this.meter(), METER_MS);
  }

  async leave() {
    if (this.model.isHost && this.model.live) {
      const end = await confirmDialog({
        title: "End this Space?",
        text: "It ends for everyone, right now. If you just leave instead, the Space goes on and keeps your seat for 10 minutes.",
        confirm: "End Space",
        danger: true,
      });
      if (end) await this.end({ confirmed: true });
      return;
    }
    this.teardown({ leave: true });
    navigate("/");
  }

  async end({ confirmed = false } = {}) {
    if (!confirmed) {
      const ok = await confirmDialog({ title: "End this Space?", text: "Everyone is disconnected at once.", confirm: "End Space", danger: true });
      if (!ok) return;
    }
    await this.act(() => spacesApi.end(this.id));
  }

  toEnded() {
    this.phase = "ended";
    this.pickerOpen = false;
    clearInterval(this.timers.meter);
    this.audio?.close({ notify: false });
    this.audio = null;
    this.layer.clear();
    this.captions.clear();
    this.joined = false;
    if (this.model.isHost) {
      spacesApi
        .analytics(this.id)
        .then((analytics) => {
          this.analytics = analytics;
          this.draw();
        })
        .catch(() => {});
    }
  }

  toRemoved() {
    this.phase = "removed";
    this.pickerOpen = false;
    this.audio?.close({ notify: false });
    this.audio = null;
    this.joined = false;
    this.teardown({ leave: false });
    this.layer.clear();
    this.captions.clear();
    this.draw();
  }

  // -- reacting to the model --------------------------------------------------------------------

  changed({ part, before }) {
    this.announcer.requests(this.model);
    if (this.model.removed && this.phase !== "removed") {
      this.toRemoved();
      return;
    }
    if (this.model.ended && this.phase !== "ended") {
      this.toEnded();
      this.draw();
      return;
    }
    if (this.phase === "in" && this.audio) {
      if (this.model.onStage !== this.publishing) {
        this.publishing = this.model.onStage;
        this.audio.setMuted(this.model.myMuted);
        this.audio.connect({ publish: this.publishing });
        if (this.publishing) toast("You're on stage. Your mic is off — tap Unmute to talk.");
        else if (before && this.model.role === "listener") toast("You're back in the audience.");
      }
      if (part === "mic" && session.isMe(before?.userId) && before.muted && !this.selfMuting) {
        toast("A host muted your mic.");
      }
      this.audio.setMuted(this.model.myMuted);
    }
    if (!this.showsCaptions) this.captions.clear(); // the host turned them off
    this.draw();
  }

  notified(item) {
    if (item.kind === "stage_invitation" || item.kind === "request_declined" || item.kind === "request_accepted") {
      this.refresh();
    }
    if (item.kind === "request_declined") toast("Your request to speak was declined.");
  }

  /** Captions are shown in a live Space with captions on, to a viewer who wants them. */
  get showsCaptions() {
    return this.phase === "in" && this.model.live && Boolean(this.model.view?.settings?.captions) && this.captionsWanted;
  }

  toggleCaptions() {
    this.captionsWanted = !this.captionsWanted;
    rememberCaptionsWanted(this.captionsWanted);
    if (!this.captionsWanted) this.captions.clear();
    this.drawBar();
  }

  /** Run a command that answers the Space, apply the answer, say `done`. */
  async act(call, done = null) {
    try {
      const result = await call();
      if (result && typeof result === "object" && "version" in result) this.model.setView(result);
      if (done) toast(done);
      return result;
    } catch (error) {
      if (error.slug === "space-ended") {
        this.model.apply({ type: "space.ended", at: new Date().toISOString(), data: {} });
      }
      toastError(error);
      return null;
    }
  }

  async toggleMic() {
    const muted = this.model.myMuted;
    if (!muted) {
      this.selfMuting = true;
      this.audio?.setMuted(true);
      await this.act(() => spacesApi.setMic(this.id, true));
      this.selfMuting = false;
      return;
    }
    if (this.audio && !this.audio.publishing) this.audio.connect({ publish: true });
    await this.act(() => spacesApi.setMic(this.id, false));
  }

  async share() {
    const url = shareLink(this.model.view);
    try {
      if (navigator.share && matchMedia("(pointer: coarse)").matches) {
        await navigator.share({ title: this.model.view.title, url });
        return;
      }
      await navigator.clipboard.writeText(url);
      toast("Link copied");
    } catch {
      toast(url);
    }
  }
}

// The drawing methods live in their own modules; `this` in them is the page.
for (const part of [RoomView, Controls]) {
  for (const name of Object.getOwnPropertyNames(part.prototype)) {
    if (name !== "constructor") Object.defineProperty(SpacePage.prototype, name, Object.getOwnPropertyDescriptor(part.prototype, name));
  }
}
