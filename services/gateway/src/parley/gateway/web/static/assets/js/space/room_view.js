// How a Space page draws the room: header (title, LIVE/REC, listeners), banners, the stage
// with live captions under the speakers, the audience, pinned posts and the end states. Mixed into SpacePage
// (`this` is the page); each part is redrawn only when what it shows changed (`unchanged`).

import { h, icon, render, unchanged } from "../dom.js";
import { count, hostOf, SPEAK_POLICIES, timeAgo, when } from "../format.js";
import { spaces as spacesApi } from "../api.js";
import { navigate } from "../router.js";
import { session } from "../session.js";
import { actionSheet } from "../ui/dialog.js";
import { editTitleDialog, listenerSheet, memberSheet, pinDialog } from "./actions.js";
import { AUDIENCE_MEANS, audienceDialog, audienceGrid } from "./audience.js";
import { cancelScheduled, editScheduledDialog } from "./scheduled.js";
import { paintCaptions, paintSpeaking, stageGrid } from "./stage.js";

export class RoomView {
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
      audience: h("div", { class: "audience-wrap" }),
      picker: h("div", { class: "picker-slot" }),
      bar: h("footer", { class: "room-bar" }),
      side: h("aside", { class: "room-side", "aria-label": "Hosting" }),
    };
    this.room = h(
      "section",
      { class: "room", "aria-label": "Space" },
      this.els.head,
      this.els.banners,
      this.els.body,
      this.layer.el,
      this.els.picker,
      this.els.bar,
      this.announcer.el,
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
    const listening = view.state === "live" && this.phase !== "removed";
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
            {
              class: "listener-count",
              dataset: { count: String(view.listener_count) },
              "aria-label": `${view.listener_count} listening`,
              title: AUDIENCE_MEANS,
            },
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
    const act = (call, done) => this.act(call, done);
    if (open && this.model.isHost && this.model.view.state === "scheduled") {
      actions.push({ label: "Edit", icon: "edit", run: () => editScheduledDialog(this.model, act) });
      actions.push({ label: "Cancel Space", icon: "close", danger: true, run: () => cancelScheduled(this.model, act) });
    } else if (open && this.model.isHost) actions.push({ label: "Edit title", icon: "edit", run: () => editTitleDialog(this.model, act) });
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
    const hostAway = view.state === "live" && view.host_connected === false && !this.model.isHost;
    if (unchanged(this.els.banners, [this.connection, this.phase, view.my_invitation, this.model.onStage, this.warning, hostAway])) return;
    const banners = [];
    if (this.connection === "reconnecting" && !["ended", "removed"].includes(this.phase)) {
      banners.push(
        h("div", { class: "banner banner-warn", role: "status" }, h("span", { class: "spinner small" }), h("span", {}, "Connection lost. Reconnecting…")),
      );
    }
    if (hostAway && ["lobby", "in"].includes(this.phase)) {
      banners.push(
        h("div", { class: "banner banner-warn", role: "status" }, icon("wifiOff", { size: 18 }), h("span", { class: "banner-text" }, "The host lost their connection. The Space goes on while they come back.")),
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
      this.paintCaptions();
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
          ? `${SPEAK_POLICIES[view.settings?.speak_policy] ?? "Everyone"} can ${view.settings?.speak_policy === "invited" ? "speak" : "request to speak"}` // how many listen: the audience, below
          : view.state === "created"
            ? this.model.isHost
              ? "Only you can see this Space until you start it."
              : "The host hasn't started this Space yet."
            : view.state === "scheduled"
              ? `Starts ${when(view.scheduled_start)}`
              : "",
      ),
      view.state === "live" && this.els.audience,
      pins.length > 0
        ? h(
            "section",
            { class: "pins", "aria-label": "Pinned posts" },
            h("div", { class: "pins-head" }, h("h2", { class: "pins-title" }, icon("pin", { size: 16 }), "Pinned"), canPin && this.pinButton(icon("plus", { size: 16 }))),
            pins.map((pin) => this.pinCard(pin)),
          )
        : canPin && h("div", { class: "pins pins-none" }, this.pinButton(icon("pin", { size: 16 }))), // nothing pinned: just the way to pin
    );
    this.drawAudience();
    this.paintSpeaking();
    this.paintCaptions();
  }

  /** The audience grid, redrawn when who is in it (or what the viewer may do) changed. */
  drawAudience() {
    if (!this.els) return;
    const audience = this.audience;
    const people = audience.items.map((p) => [p.user_id, p.display_name, p.handle, p.followed]);
    if (unchanged(this.els.audience, [audience.loaded, audience.count, people, this.model.role])) return;
    if (!audience.loaded) {
      render(this.els.audience);
      return;
    }
    const act = (call, done) => this.act(call, done);
    const onSelect = (person) => listenerSheet(this.model, person, act);
    render(this.els.audience, audienceGrid(audience, { onSelect, onMore: () => audienceDialog(this.id, { onSelect }) }));
  }

  pinButton(glyph) {
    return h("button", { class: "btn btn-ghost btn-sm pin-add", onclick: () => pinDialog(this.model, (call, done) => this.act(call, done)) }, glyph, "Pin a post");
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
        view.state === "ended" && view.settings?.recording
          ? [
              h("a", { href: `/spaces/${encodeURIComponent(view.id)}/replay`, class: "btn btn-primary" }, icon("play", { size: 16 }), "Play the recording"),
              this.model.isHost ? h("a", { href: "/me/recordings", class: "btn btn-outline" }, "Your recordings") : h("a", { href: "/", class: "btn btn-outline" }, "Find more Spaces"),
            ]
          : [h("a", { href: "/", class: "btn btn-primary" }, "Find more Spaces"), session.signedIn && h("a", { href: "/new", class: "btn btn-outline" }, "Start your own")],
      ),
      stats,
    );
  }

  paintCaptions() {
    if (!this.els) return;
    paintCaptions(this.els.body, this.showsCaptions ? this.captions : null);
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

function stat(label, value) {
  return h("div", { class: "stat" }, h("dt", {}, label), h("dd", {}, value));
}

function minutes(seconds) {
  if (!seconds) return "0m";
  const m = Math.round(seconds / 60);
  return m < 1 ? `${Math.round(seconds)}s` : `${m}m`;
}
