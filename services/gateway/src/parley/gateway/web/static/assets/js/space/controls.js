// The Space page's controls: the bar (leave or end, mic, request to speak, reactions, captions,
// share), the lobby's big button, the reaction picker, the audio status, and the hosts' panel
// (requests to speak, invitations, mute all). Mixed into SpacePage (`this` is the page).

import { spaces as spacesApi } from "../api.js";
import { h, icon, render, unchanged } from "../dom.js";
import { count, when } from "../format.js";
import { session } from "../session.js";
import { avatar } from "../ui/avatar.js";
import { makeClip } from "../ui/clip.js";
import { actionSheet } from "../ui/dialog.js";
import { inviteForm, removeDialog } from "./actions.js";
import { reactionPicker } from "./reactions.js";
import { scheduledLobby } from "./scheduled.js";

export class Controls {
  drawBar() {
    if (!this.els) return;
    const bar = this.els.bar;
    const model = this.model;
    const view = model.view;
    const key = [this.phase, model.role, model.myMuted, view.my_speaker_request, model.requests.length, this.pickerOpen, view.settings, this.busy, session.signedIn, view.state, view.listener_count, view.scheduled_start, view.reminded, view.reminder_count, view.title, view.description, view.topics, this.clipping, this.captionsWanted];
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
          { class: "icon-btn bar-btn side-toggle", "aria-label": `Requests, ${requestBadge} waiting to speak`, onclick: () => this.toggleSide() },
          icon("users", { size: 18 }),
          h("span", { class: "side-toggle-label" }, "Requests"),
          " ",
          requestBadge > 0 && h("span", { class: "badge", "aria-hidden": "true" }, String(requestBadge)),
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
      view.state === "live" &&
        view.settings?.captions &&
        h(
          "button",
          {
            class: ["icon-btn bar-btn bar-captions", { active: this.captionsWanted }],
            "aria-label": "Captions",
            "aria-pressed": String(this.captionsWanted),
            title: this.captionsWanted ? "Hide captions" : "Show captions",
            onclick: () => this.toggleCaptions(),
          },
          icon("captions"),
        ),
      this.canClip() &&
        h(
          "button",
          { class: "icon-btn bar-btn bar-clip", "aria-label": "Clip last 30 s", title: "Clip last 30 s", disabled: this.clipping, onclick: () => this.clipLast30() },
          icon("scissors"),
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

  /** Anyone in a live recorded Space may clip its last 30 s, unless the host turned clips off. */
  canClip() {
    const view = this.model.view;
    return session.signedIn && view.state === "live" && Boolean(view.settings?.recording) && Boolean(view.settings?.clipping);
  }

  async clipLast30() {
    if (this.clipping) return;
    this.clipping = true;
    this.drawBar();
    try {
      await makeClip(this.id);
    } finally {
      this.clipping = false;
      this.drawBar();
    }
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
    if (view.state === "scheduled") return scheduledLobby(this);
    if (!session.signedIn) {
      const next = `?next=${encodeURIComponent(location.pathname)}`; // back here once signed in
      return [
        h("p", { class: "lobby-note" }, "Log in to listen, react and ask to speak."),
        h("a", { class: "btn btn-primary btn-lg", href: `/login${next}` }, "Log in to listen"),
        h("p", { class: "lobby-note" }, "New to Parley? ", h("a", { class: "lobby-link", href: `/signup${next}` }, "Create an account")),
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
}
