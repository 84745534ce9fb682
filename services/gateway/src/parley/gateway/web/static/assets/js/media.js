// The Space's audio over WebRTC, through the media relay (negotiateMedia):
// - a listener sends a receive-only offer and plays the Space's mixed audio;
// - a stage member sends their microphone too (send-receive); a new offer replaces the old
//   session whenever the role changes (promoted, moved back to the audience);
// - muting is enforced by the relay (setMyMic), and the local track is disabled as well so
//   nothing leaves the browser while muted.
// No trickle ICE: the offer is sent once gathering is complete (the relay answers with all of
// its candidates). A connection that fails is renegotiated by itself, backing off.

import { media as mediaApi } from "./api.js";

const GATHER_TIMEOUT_MS = 4000;
const MIC_CONSTRAINTS = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

let sharedContext = null;

/** One AudioContext for the page, resumed on the user's gesture (autoplay rules). */
export function audioContext() {
  if (!sharedContext) sharedContext = new AudioContext();
  if (sharedContext.state === "suspended") sharedContext.resume().catch(() => {});
  return sharedContext;
}

export class SpaceAudio extends EventTarget {
  constructor(spaceId) {
    super();
    this.spaceId = spaceId;
    this.pc = null;
    this.micStream = null;
    this.muted = true;
    this.publishing = false;
    this.state = "idle"; // idle | connecting | connected | failed | closed
    this.chain = Promise.resolve();
    this.wanted = null; // {publish}: what the page asked for last
    this.retry = { timer: 0, attempt: 0 };
    this.closed = false;
    this.audio = document.createElement("audio");
    this.audio.autoplay = true;
    this.audio.setAttribute("playsinline", "");
    this.audio.dataset.role = "space-audio";
    this.audio.hidden = true;
    document.body.append(this.audio);
    this.remoteMeter = null;
    this.localMeter = null;
  }

  /** Connect (or reconnect) as a listener (`publish: false`) or a stage member. */
  connect({ publish }) {
    this.wanted = { publish };
    clearTimeout(this.retry.timer);
    this.chain = this.chain.then(() => this.negotiate(publish)).catch(() => {});
    return this.chain;
  }

  setMuted(muted) {
    this.muted = muted;
    for (const track of this.micStream?.getAudioTracks() ?? []) track.enabled = !muted;
  }

  get micLevel() {
    return this.localMeter && !this.muted ? this.localMeter.level() : 0;
  }

  get remoteLevel() {
    return this.remoteMeter ? this.remoteMeter.level() : 0;
  }

  async negotiate(publish) {
    if (this.closed) return;
    this.setState("connecting");
    this.dropPeer();
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    try {
      if (publish) {
        const stream = await this.microphone();
        const [track] = stream.getAudioTracks();
        track.enabled = !this.muted;
        pc.addTransceiver(track, { direction: "sendrecv", streams: [stream] });
      } else {
        pc.addTransceiver("audio", { direction: "recvonly" });
        this.stopMicrophone();
      }
      this.publishing = publish;
      pc.ontrack = (event) => this.play(event.streams[0] ?? new MediaStream([event.track]));
      pc.onconnectionstatechange = () => this.watch(pc);
      await pc.setLocalDescription(await pc.createOffer());
      await gatheringComplete(pc);
      if (pc !== this.pc) return;
      const answer = await mediaApi.offer(this.spaceId, pc.localDescription.sdp);
      if (pc !== this.pc) return;
      await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
      this.retry.attempt = 0;
      this.dispatchEvent(new CustomEvent("negotiated", { detail: answer }));
    } catch (error) {
      if (pc !== this.pc) return;
      this.fail(error);
    }
  }

  async microphone() {
    if (this.micStream?.getAudioTracks().some((t) => t.readyState === "live")) return this.micStream;
    try {
      this.micStream = await navigator.mediaDevices.getUserMedia({ audio: MIC_CONSTRAINTS });
    } catch (error) {
      const wrapped = new Error(
        error.name === "NotAllowedError"
          ? "Microphone access is blocked. Allow it in your browser to speak."
          : "No microphone could be opened.",
      );
      wrapped.mic = true;
      throw wrapped;
    }
    this.localMeter = new LevelMeter(this.micStream);
    return this.micStream;
  }

  stopMicrophone() {
    for (const track of this.micStream?.getTracks() ?? []) track.stop();
    this.micStream = null;
    this.localMeter?.close();
    this.localMeter = null;
  }

  play(stream) {
    if (this.audio.srcObject !== stream) {
      this.audio.srcObject = stream;
      this.remoteMeter?.close();
      this.remoteMeter = new LevelMeter(stream);
    }
    this.audio.play().catch(() => this.dispatchEvent(new Event("blocked")));
  }

  /** The browser refused to autoplay: call from a click to start the audio. */
  resume() {
    audioContext();
    return this.audio.play();
  }

  watch(pc) {
    if (pc !== this.pc) return;
    const state = pc.connectionState;
    if (state === "connected") {
      this.retry.attempt = 0;
      this.setState("connected");
    } else if (state === "failed") this.fail(new Error("The audio connection failed."));
    else if (state === "disconnected") {
      // Often heals by itself within seconds; if not, "failed" follows.
      this.setState("connecting");
    }
  }

  fail(error) {
    this.setState("failed", error);
    if (error?.mic) {
      // Without a microphone we can still listen.
      if (this.wanted?.publish) this.chain = this.chain.then(() => this.negotiate(false)).catch(() => {});
      return;
    }
    if (error?.status && [401, 403, 404, 409].includes(error.status)) return; // not transient
    this.retry.attempt += 1;
    const delay = Math.min(15_000, 1000 * 2 ** Math.min(this.retry.attempt - 1, 4));
    clearTimeout(this.retry.timer);
    this.retry.timer = setTimeout(() => {
      if (!this.closed && this.wanted) this.connect(this.wanted);
    }, delay);
  }

  setState(state, error = null) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state, error } }));
  }

  dropPeer() {
    if (!this.pc) return;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.pc = null;
  }

  /** Hang up for good (leaving the page). `keepalive` lets it finish while the page unloads. */
  close({ keepalive = false, notify = true } = {}) {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retry.timer);
    const hadSession = Boolean(this.pc);
    this.dropPeer();
    this.stopMicrophone();
    this.remoteMeter?.close();
    this.audio.srcObject = null;
    this.audio.remove();
    this.setState("closed");
    if (hadSession && notify) mediaApi.hangUp(this.spaceId, { keepalive }).catch(() => {});
  }
}

/** Resolves once ICE gathering is complete (or after a timeout, with what was gathered). */
function gatheringComplete(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", check);
      resolve();
    };
    const check = () => pc.iceGatheringState === "complete" && done();
    const timer = setTimeout(done, GATHER_TIMEOUT_MS);
    pc.addEventListener("icegatheringstatechange", check);
  });
}

/** The loudness (0..1) of a stream, read on demand, for meters and the local speaking ring. */
export class LevelMeter {
  constructor(stream) {
    const context = audioContext();
    this.source = context.createMediaStreamSource(stream);
    this.analyser = context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.source.connect(this.analyser);
    this.buffer = new Float32Array(this.analyser.fftSize);
  }

  level() {
    this.analyser.getFloatTimeDomainData(this.buffer);
    let sum = 0;
    for (const sample of this.buffer) sum += sample * sample;
    const rms = Math.sqrt(sum / this.buffer.length);
    // -60 dBFS..-10 dBFS → 0..1
    const db = 20 * Math.log10(rms || 1e-9);
    return Math.max(0, Math.min(1, (db + 60) / 50));
  }

  close() {
    this.source.disconnect();
  }
}
