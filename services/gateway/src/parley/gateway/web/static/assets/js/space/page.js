// A Space's page: the lobby (what it is, who's on stage, "Start listening"), the room once
// in (stage, pins, reactions, mic, requests), and the clear end states: ended, removed,
// can't join, doesn't exist. One live channel feeds the model; one WebRTC session plays and
// (on stage) sends the audio; both reconnect by themselves.

import { spaces as spacesApi } from "../api.js";
import { h, icon, render } from "../dom.js";
import { count, hostOf, shareLink, SPEAK_POLICIES, timeAgo, when } from "../format.js";
import { LiveChannel } from "../live.js";
import { audioContext, SpaceAudio } from "../media.js";
import { navigate } from "../router.js";
import { session } from "../session.js";
import { avatar } from "../ui/avatar.js";
import { actionSheet, confirmDialog } from "../ui/dialog.js";
import { toast, toastError } from "../ui/toast.js";
import { editTitleDialog, inviteForm, memberSheet, pinDialog, removeDialog } from "./actions.js";
import { SpaceModel } from "./model.js";
import { ReactionLayer, reactionPicker } from "./reactions.js";
import { paintSpeaking, stageGrid } from "./stage.js";

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
    this.layer = new ReactionLayer();
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
    this.caption = null;
    this.analytics = null;
    this.selfMuting = false;
    this.timers = { poll: 0, meter: 0, caption: 0 };
    this.destroyed = false;
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
    window.removeEventListener("pagehide", this.onPageHide);
    this.teardown({ leave: true });
    this.layer.clear();
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
    this.model.addEventListener("speaking", () => this.paintSpeaking());
    this.model.addEventListener("warning", (event) => {
      this.warning = event.detail;
      this.drawBanners();
    });
    this.model.addEventListener("notification", (event) => this.notified(event.detail));
    this.model.addEventListener("captions", (event) => this.captioned(event.detail));
    this.closePickerOutside = (event) => {
      if (this.pickerOpen && !event.target.closest(".reaction-picker, .react-toggle")) {
        this.pickerOpen = false;
        this.drawPicker();
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
        if (status === "open") this.refresh();
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
    this.draw();
  }

  // -- reacting to the model --------------------------------------------------------------------

  changed({ part, before }) {
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
    this.draw();
  }

  notified(item) {
    if (item.kind === "stage_invitation" || item.kind === "request_declined" || item.kind === "request_accepted") {
      this.refresh();
    }
    if (item.kind === "request_declined") toast("Your request to speak was declined.");
  }

  captioned(data) {
    if (!this.model.view?.settings?.captions) return;
    const who = this.model.member(data.user_id);
    this.caption = { who: who ? who.display_name || who.handle : "", text: data.text ?? "" };
    clearTimeout(this.timers.caption);
    this.timers.caption = setTimeout(() => {
      this.caption = null;
      this.drawCaption();
    }, 6000);
    this.drawCaption();
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

  // -- drawing ------------------------------------------------------------------------------------

  draw() {
    if (this.destroyed) return;
    if (["loading", "missing", "error"].includes(this.phase) || (this.phase === "refused" && !this.model.view)) {
      render(this.container, this.statusScreen());
      return;
    }
    if (!this.els) this.build();
    this.drawHead();
    this.drawBanners();
    this.drawBody();
    this.drawBar();
    this.drawPicker();
    this.drawSide();
    this.drawAudioStatus();
  }

  build() {
    this.els = {
      head: h("header", { class: "room-head" }),
      banners: h("div", { class: "room-banners" }),
      body: h("div", { class: "room-body" }),
      picker: h("div", { class: "picker-slot" }),
      bar: h("footer", { class: "room-bar" }),
      side: h("aside", { class: "room-side", "aria-label": "Hosting" }),
      caption: h("div", { class: "caption-strip", "aria-live": "polite", hidden: true }),
    };
    this.room = h(
      "section",
      { class: "room", "aria-label": "Space" },
      this.els.head,
      this.els.banners,
      this.els.body,
      this.els.caption,
      this.layer.el,
      this.els.picker,
      this.els.bar,
    );
    render(this.container, h("div", { class: "space-page" }, this.room, this.els.side));
  }

  statusScreen() {
    const texts = {
      loading: ["Opening the Space…", ""],
      missing: ["This Space doesn't exist", "The link may be wrong, or the Space was removed."],
      error: [this.problem?.network ? "You're offline" : "Couldn't open this Space", this.problem?.message ?? ""],
      refused: ["You can't join this Space", this.problem?.message ?? ""],
    };
    const [title, text] = texts[this.phase] ?? texts.error;
    return h(
      "div",
      { class: "empty-state tall" },
      h("div", { class: "empty-art", "aria-hidden": "true" }, icon(this.phase === "error" ? "wifiOff" : "spaces", { size: 36 })),
      h("h1", {}, title),
      text && h("p", {}, text),
      this.phase === "error" && h("button", { class: "btn btn-outline", onclick: () => this.start() }, "Try again"),
      h("a", { href: "/", class: "btn btn-primary" }, "Go to Spaces"),
    );
  }

  drawHead() {
    if (!this.els) return;
    const view = this.model.view;
    const key = [this.phase, this.model.role, view.state, view.title, view.description, view.topics, view.settings, view.recording_state, view.listener_count, view.scheduled_start];
    if (unchanged(this.els.head, key)) return;
    const state = this.phase === "removed" ? "removed" : view.state;
    const pills = [];
    if (state === "live") pills.push(h("span", { class: "pill pill-live" }, h("span", { class: "live-dot" }), "LIVE"));
    else if (state === "created") pills.push(h("span", { class: "pill pill-soft" }, "Not started"));
    else if (state === "scheduled") pills.push(h("span", { class: "pill pill-soft" }, icon("calendar", { size: 14 }), when(view.scheduled_start)));
    else if (state === "ended" || state === "canceled") pills.push(h("span", { class: "pill pill-ended" }, state === "ended" ? "Ended" : "Canceled"));
    if (view.settings?.recording && (view.recording_state === "recording" || state === "live")) {
      pills.push(h("span", { class: "pill pill-rec", title: "This Space is being recorded" }, h("span", { class: "rec-dot" }), "REC"));
    }
    if (view.settings?.captions && state === "live") pills.push(h("span", { class: "pill pill-soft" }, icon("captions", { size: 14 }), "CC"));
    const listening = !this.model.ended && this.phase !== "removed";
    render(
      this.els.head,
      h(
        "div",
        { class: "room-head-row" },
        h("button", { class: "icon-btn", "aria-label": "Back to Spaces", onclick: () => this.back() }, icon("back")),
        h("div", { class: "room-pills" }, pills),
        listening &&
          h(
            "span",
            { class: "listener-count", dataset: { count: String(view.listener_count) }, "aria-label": `${view.listener_count} listening` },
            icon("headphones", { size: 16 }),
            h("strong", {}, count(view.listener_count)),
            h("span", { class: "listener-word" }, " listening"),
          ),
        h("button", { class: "icon-btn", "aria-label": "Share", onclick: () => this.share() }, icon("share")),
        this.menuButton(),
      ),
      h("h1", { class: "room-title" }, view.title),
      view.description && h("p", { class: "room-desc" }, view.description),
      view.topics?.length > 0 && h("div", { class: "room-topics" }, view.topics.map((topic) => h("a", { class: "topic", href: `/?topic=${encodeURIComponent(topic)}` }, topic))),
    );
  }

  menuButton() {
    const actions = [{ label: "Copy link", icon: "link", run: () => this.share() }];
    const open = !this.model.ended && this.phase !== "removed";
    if (open && this.model.isHost) actions.push({ label: "Edit title", icon: "edit", run: () => editTitleDialog(this.model, (call, done) => this.act(call, done)) });
    if (open && this.model.canModerate && this.model.live) {
      const on = this.model.view.settings?.captions;
      actions.push({
        label: on ? "Turn captions off" : "Turn captions on",
        icon: "captions",
        run: () => this.act(() => spacesApi.update(this.id, { captions: !on }), on ? "Captions off" : "Captions on"),
      });
    }
    if (open && this.model.isHost && this.model.live) actions.push({ label: "End Space", icon: "door", danger: true, run: () => this.end() });
    return h("button", { class: "icon-btn", "aria-label": "More options", onclick: () => actionSheet({ title: "Space", actions }) }, icon("more"));
  }

  back() {
    if (history.length > 1 && document.referrer.startsWith(location.origin)) history.back();
    else navigate("/");
  }

  drawBanners() {
    if (!this.els) return;
    const view = this.model.view;
    if (unchanged(this.els.banners, [this.connection, this.phase, view.my_invitation, this.model.onStage, this.warning])) return;
    const banners = [];
    if (this.connection === "reconnecting" && !["ended", "removed"].includes(this.phase)) {
      banners.push(
        h("div", { class: "banner banner-warn", role: "status" }, h("span", { class: "spinner small" }), h("span", {}, "Connection lost. Reconnecting…")),
      );
    }
    if (this.phase === "in" && view.my_invitation && !this.model.onStage) {
      const role = view.my_invitation === "cohost" ? "co-host" : "speak";
      banners.push(
        h(
          "div",
          { class: "banner banner-accent", role: "status" },
          icon("mic", { size: 18 }),
          h("span", { class: "banner-text" }, `You're invited to ${role}.`),
          h("button", { class: "btn btn-light btn-sm", onclick: () => this.act(() => spacesApi.acceptInvitation(this.id)) }, role === "speak" ? "Join the stage" : "Accept"),
          h("button", { class: "btn btn-ghost btn-sm", onclick: () => this.act(() => spacesApi.declineInvitation(this.id), "Invitation declined") }, "Not now"),
        ),
      );
    }
    if (this.warning && this.phase === "in") {
      banners.push(
        h(
          "div",
          { class: "banner banner-danger", role: "alert" },
          icon("shield", { size: 18 }),
          h("span", { class: "banner-text" }, `@${this.warning.handle}, whom you blocked, is speaking in this Space.`),
          h("button", { class: "icon-btn small", "aria-label": "Dismiss", onclick: () => { this.warning = null; this.drawBanners(); } }, icon("close", { size: 16 })),
        ),
      );
    }
    render(this.els.banners, banners);
  }

  drawBody() {
    const body = this.els.body;
    const view = this.model.view;
    const stage = this.model.stage.map((m) => [m.user_id, m.role, m.muted, m.display_name]);
    const key = [this.phase, this.model.role, stage, view.pins, view.listener_count, view.state, view.settings, view.ended_at, this.analytics, this.problem?.message];
    if (unchanged(body, key)) {
      this.paintSpeaking();
      return;
    }
    if (this.phase === "ended") {
      render(body, this.endedPanel());
      return;
    }
    if (this.phase === "removed") {
      render(
        body,
        this.endPanel("door", "You were removed from this Space", "A host removed you. You can't rejoin this Space, but you can still find others.", [
          h("a", { href: "/", class: "btn btn-primary" }, "Find other Spaces"),
        ]),
      );
      return;
    }
    if (this.phase === "refused") {
      render(
        body,
        this.endPanel("block", "You can't join this Space", this.problem?.message ?? "", [h("a", { href: "/", class: "btn btn-primary" }, "Find other Spaces")]),
      );
      return;
    }
    const pins = view.pins ?? [];
    const canPin = this.phase === "in" && this.model.onStage && pins.length < 3;
    render(
      body,
      stageGrid(this.model, { onSelect: (member) => memberSheet(this.model, member, (call, done) => this.act(call, done)) }),
      h(
        "p",
        { class: "stage-meta" },
        view.state === "live"
          ? `${count(view.listener_count)} listening · ${SPEAK_POLICIES[view.settings?.speak_policy] ?? "Everyone"} can ${view.settings?.speak_policy === "invited" ? "speak" : "request to speak"}`
          : view.state === "created"
            ? this.model.isHost
              ? "Only you can see this Space until you start it."
              : "The host hasn't started this Space yet."
            : view.state === "scheduled"
              ? `Starts ${when(view.scheduled_start)}`
              : "",
      ),
      (pins.length > 0 || canPin) &&
        h(
          "section",
          { class: "pins", "aria-label": "Pinned posts" },
          h(
            "div",
            { class: "pins-head" },
            h("h2", { class: "pins-title" }, icon("pin", { size: 16 }), "Pinned"),
            canPin && h("button", { class: "btn btn-ghost btn-sm", onclick: () => pinDialog(this.model, (call, done) => this.act(call, done)) }, icon("plus", { size: 16 }), "Pin a post"),
          ),
          pins.map((pin) => this.pinCard(pin)),
        ),
    );
    this.paintSpeaking();
  }

  pinCard(pin) {
    const canUnpin = this.phase === "in" && (this.model.canModerate || session.isMe(pin.pinned_by));
    const by = this.model.member(pin.pinned_by);
    return h(
      "div",
      { class: "pin-card", dataset: { pinId: pin.pin_id } },
      h(
        "a",
        { class: "pin-link", href: pin.url, target: "_blank", rel: "noopener noreferrer nofollow ugc" },
        h("span", { class: "pin-text" }, pin.text || pin.url),
        h("span", { class: "pin-meta" }, icon("link", { size: 14 }), hostOf(pin.url), by && ` · pinned by ${by.display_name || by.handle}`),
      ),
      canUnpin && h("button", { class: "icon-btn small", "aria-label": "Unpin", onclick: () => this.act(() => spacesApi.unpin(this.id, pin.pin_id), "Unpinned") }, icon("close", { size: 16 })),
    );
  }

  endPanel(iconName, title, text, actions) {
    return h(
      "div",
      { class: "end-panel", role: "status" },
      h("div", { class: "end-art", "aria-hidden": "true" }, icon(iconName, { size: 34 })),
      h("h2", { class: "end-title" }, title),
      text && h("p", { class: "end-text" }, text),
      h("div", { class: "end-actions" }, actions),
    );
  }

  endedPanel() {
    const view = this.model.view;
    const stats = this.analytics
      ? h(
          "dl",
          { class: "stats" },
          stat("Listeners", count(this.analytics.unique_listeners)),
          stat("Peak", count(this.analytics.peak_concurrent)),
          stat("Avg. listening", minutes(this.analytics.average_listening_s)),
          stat("Speakers", count(this.analytics.speakers)),
          stat("Reactions", count(this.analytics.reactions)),
        )
      : null;
    return h(
      "div",
      { class: "ended-wrap" },
      this.endPanel(
        "spaces",
        view.state === "canceled" ? "This Space was canceled" : "This Space has ended",
        view.ended_at ? `Ended ${timeAgo(view.ended_at)} · hosted by ${view.host.display_name || view.host.handle}` : `Hosted by ${view.host.display_name || view.host.handle}`,
        [h("a", { href: "/", class: "btn btn-primary" }, "Find more Spaces"), session.signedIn && h("a", { href: "/new", class: "btn btn-outline" }, "Start your own")],
      ),
      stats,
    );
  }

  drawBar() {
    if (!this.els) return;
    const bar = this.els.bar;
    const model = this.model;
    const view = model.view;
    const key = [this.phase, model.role, model.myMuted, view.my_speaker_request, model.requests.length, this.pickerOpen, view.settings, this.busy, session.signedIn, view.state, view.listener_count];
    if (unchanged(bar, key)) return;
    bar.classList.toggle("hidden", ["ended", "removed", "refused"].includes(this.phase));
    if (this.phase === "ended" || this.phase === "removed" || this.phase === "refused") {
      render(bar);
      return;
    }
    if (this.phase === "lobby") {
      render(bar, h("div", { class: "lobby-bar" }, this.lobbyAction()));
      return;
    }
    const micMuted = model.myMuted;
    const requestBadge = model.requests.length;
    render(
      bar,
      model.isHost
        ? h("button", { class: "btn btn-danger-text", onclick: () => this.leave() }, icon("door", { size: 18 }), h("span", {}, "End"))
        : h("button", { class: "btn btn-danger-text", onclick: () => this.leave() }, icon("door", { size: 18 }), h("span", {}, "Leave")),
      h("span", { class: "audio-status", role: "status" }),
      h("span", { class: "bar-spacer" }),
      model.canModerate &&
        h(
          "button",
          { class: "icon-btn bar-btn side-toggle", "aria-label": `Requests to speak (${requestBadge})`, onclick: () => this.toggleSide() },
          icon("users"),
          requestBadge > 0 && h("span", { class: "badge" }, String(requestBadge)),
        ),
      h(
        "button",
        {
          class: ["icon-btn bar-btn react-toggle", { active: this.pickerOpen }],
          "aria-label": "React",
          "aria-expanded": String(this.pickerOpen),
          onclick: () => {
            this.pickerOpen = !this.pickerOpen;
            this.drawPicker();
            this.drawBar();
          },
        },
        icon("heart"),
      ),
      h("button", { class: "icon-btn bar-btn bar-share", "aria-label": "Share link", onclick: () => this.share() }, icon("share")),
      model.onStage
        ? h(
            "button",
            {
              class: ["mic-btn", { live: !micMuted }],
              "aria-label": micMuted ? "Unmute your mic" : "Mute your mic",
              "aria-pressed": String(!micMuted),
              onclick: () => this.toggleMic(),
            },
            icon(micMuted ? "micOff" : "mic", { size: 22 }),
            h("span", { class: "mic-label" }, micMuted ? "Unmute" : "Mute"),
          )
        : this.requestButton(view),
    );
    this.drawAudioStatus();
  }

  requestButton(view) {
    if (!session.signedIn) return null;
    if (view.settings?.speak_policy === "invited") {
      return h("span", { class: "bar-note" }, "The host invites speakers");
    }
    const pending = view.my_speaker_request === "pending";
    return h(
      "button",
      {
        class: ["request-btn", { pending }],
        "aria-label": pending ? "Cancel request" : "Request to speak",
        onclick: () =>
          pending
            ? this.act(() => spacesApi.withdrawRequest(this.id), "Request withdrawn")
            : this.act(() => spacesApi.requestToSpeak(this.id), "Request sent. The hosts will see it."),
      },
      icon("hand", { size: 20 }),
      h("span", { class: "label-long" }, pending ? "Cancel request" : "Request to speak"),
      h("span", { class: "label-short" }, pending ? "Cancel" : "Request"),
    );
  }

  lobbyAction() {
    const model = this.model;
    const view = model.view;
    if (!session.signedIn) {
      return [
        h("p", { class: "lobby-note" }, "Log in to listen, react and ask to speak."),
        h("a", { class: "btn btn-primary btn-lg", href: `/login?next=${encodeURIComponent(location.pathname)}` }, "Log in to listen"),
      ];
    }
    if (model.isHost) {
      if (view.state === "live") {
        return [h("p", { class: "lobby-note" }, "Your Space is live."), h("button", { class: "btn btn-primary btn-lg", disabled: this.busy, onclick: () => this.enter() }, "Rejoin as host")];
      }
      return [
        h("p", { class: "lobby-note" }, icon("micOff", { size: 16 }), "Your mic will be off when you start."),
        h("button", { class: "btn btn-primary btn-lg", disabled: this.busy, onclick: () => this.enter() }, this.busy ? "Starting…" : "Start Space"),
      ];
    }
    if (view.state !== "live") {
      return [h("p", { class: "lobby-note" }, view.state === "scheduled" ? `Starts ${when(view.scheduled_start)}` : "Waiting for the host to start…")];
    }
    const again = ["speaker", "cohost", "listener"].includes(model.role);
    return [
      h("p", { class: "lobby-note" }, icon("headphones", { size: 16 }), `${count(view.listener_count)} listening now`),
      h("button", { class: "btn btn-primary btn-lg", disabled: this.busy, onclick: () => this.enter() }, this.busy ? "Joining…" : again ? "Rejoin" : "Start listening"),
    ];
  }

  drawPicker() {
    if (!this.els) return;
    const open = this.pickerOpen && this.phase === "in";
    if (unchanged(this.els.picker, [open])) return;
    render(this.els.picker, open && reactionPicker(this.id, this.layer));
  }

  toggleSide() {
    this.sideOpen = !this.sideOpen;
    this.drawSide();
  }

  drawSide() {
    if (!this.els) return;
    const side = this.els.side;
    const show = this.phase === "in" && this.model.canModerate;
    side.hidden = !show;
    side.classList.toggle("open", show && this.sideOpen);
    this.room.parentElement.classList.toggle("with-side", show);
    if (unchanged(side, [show, this.model.role, this.model.requests, this.model.view.settings?.speak_policy])) return;
    if (!show) {
      this.invite = null;
      render(side);
      return;
    }
    if (!this.invite || this.invite.dataset.host !== String(this.model.isHost)) {
      this.invite = inviteForm(this.model, (call, done) => this.act(call, done));
      this.invite.dataset.host = String(this.model.isHost);
    }
    const requests = this.model.requests;
    const policy = this.model.view.settings?.speak_policy;
    render(
      side,
      h(
        "div",
        { class: "side-head" },
        h("h2", { class: "side-title" }, "Requests to speak", requests.length > 0 && h("span", { class: "count-pill" }, String(requests.length))),
        h("button", { class: "icon-btn small side-close", "aria-label": "Close", onclick: () => this.toggleSide() }, icon("close", { size: 18 })),
      ),
      h(
        "ul",
        { class: "request-list", "aria-label": "Requests to speak" },
        requests.length
          ? requests.map((request) => this.requestRow(request))
          : h("li", { class: "empty-line" }, policy === "invited" ? "Only people you invite can speak." : "No requests right now."),
      ),
      h("div", { class: "side-section" }, h("h3", { class: "side-subtitle" }, "Invite to the stage"), this.invite),
      h(
        "div",
        { class: "side-section" },
        h("h3", { class: "side-subtitle" }, "Stage"),
        h("button", { class: "btn btn-outline btn-block", onclick: () => this.act(() => spacesApi.muteAll(this.id), "Everyone on stage is muted") }, icon("micOff", { size: 18 }), "Mute all speakers"),
      ),
    );
  }

  requestRow(request) {
    const name = request.display_name || request.handle;
    return h(
      "li",
      { class: "request-row", dataset: { userId: request.user_id } },
      avatar(request),
      h("span", { class: "person-names" }, h("span", { class: "person-name" }, name), h("span", { class: "person-handle" }, `@${request.handle}`)),
      h(
        "span",
        { class: "request-actions" },
        h(
          "button",
          {
            class: "round-btn accept",
            title: "Accept",
            "aria-label": `Accept @${request.handle}`,
            onclick: () => this.act(() => spacesApi.acceptRequest(this.id, request.user_id), `${name} is a speaker`),
          },
          icon("check", { size: 18 }),
        ),
        h(
          "button",
          {
            class: "round-btn decline",
            title: "Decline",
            "aria-label": `Decline @${request.handle}`,
            onclick: () => this.act(() => spacesApi.declineRequest(this.id, request.user_id)),
          },
          icon("close", { size: 18 }),
        ),
        h(
          "button",
          {
            class: "icon-btn small",
            "aria-label": `More for @${request.handle}`,
            onclick: () =>
              actionSheet({
                title: name,
                actions: [
                  { label: "Remove from Space…", icon: "door", danger: true, run: () => removeDialog(this.model, request, (call, done) => this.act(call, done)) },
                  { label: "View profile", icon: "user", run: () => window.open(`/u/${encodeURIComponent(request.handle)}`, "_blank", "noopener") },
                ],
              }),
          },
          icon("more", { size: 18 }),
        ),
      ),
    );
  }

  drawAudioStatus() {
    const el = this.els?.bar.querySelector(".audio-status");
    if (!el) return;
    const { state, error } = this.audioState;
    if (unchanged(el, [state, error?.message, error?.status])) return;
    el.className = `audio-status state-${state}`;
    if (state === "connected") {
      render(el, h("span", { class: "eq", "aria-hidden": "true" }, h("i"), h("i"), h("i"), h("i")), h("span", { class: "audio-text" }, "Live audio"));
    } else if (state === "blocked") {
      render(el, h("button", { class: "btn btn-light btn-sm", onclick: () => this.audio?.resume().then(() => { this.audioState = { state: "connected" }; this.drawAudioStatus(); }, () => {}) }, "Tap to hear"));
    } else if (state === "failed" && error && !error.mic) {
      render(el, icon("wifiOff", { size: 16 }), h("span", { class: "audio-text", title: error.message }, error.status === 404 ? "Audio unavailable" : "Audio lost, retrying…"));
    } else if (state === "connecting") {
      render(el, h("span", { class: "spinner small" }), h("span", { class: "audio-text" }, "Connecting audio…"));
    } else render(el);
  }

  drawCaption() {
    const el = this.els?.caption;
    if (!el) return;
    el.hidden = !this.caption;
    if (this.caption) render(el, this.caption.who && h("strong", {}, `${this.caption.who}: `), this.caption.text);
  }

  paintSpeaking() {
    if (!this.els) return;
    paintSpeaking(this.els.body, this.model, { localUserId: session.user?.id, localLevel: this.audio?.micLevel ?? 0 });
  }

  meter() {
    if (!this.audio || !this.els) return;
    const level = this.audio.remoteLevel;
    this.els.bar.querySelector(".eq")?.style.setProperty("--level", level.toFixed(2));
    this.paintSpeaking();
  }
}

/** True when `el` already shows what `key` describes; otherwise remembers `key`. Parts are
 * only redrawn when what they show changed, so a button is never replaced under a click. */
function unchanged(el, key) {
  const text = JSON.stringify(key);
  if (el.drawnFrom === text) return true;
  el.drawnFrom = text;
  return false;
}

function stat(label, value) {
  return h("div", { class: "stat" }, h("dt", {}, label), h("dd", {}, value));
}

function minutes(seconds) {
  if (!seconds) return "0m";
  const m = Math.round(seconds / 60);
  return m < 1 ? `${Math.round(seconds)}s` : `${m}m`;
}
