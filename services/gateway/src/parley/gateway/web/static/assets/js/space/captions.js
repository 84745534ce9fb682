// Live captions: the newest line of each speaker, shown under their tile. An utterance is a
// segment_id: its partials (the words so far) replace each other, its final replaces them
// all, and a later utterance replaces the speaker's line. A line fades once nothing new came
// for a few seconds. Showing captions is each viewer's own choice, kept in this browser (on
// unless turned off); it matters only while the Space has captions on.

const WANTED_KEY = "parley.captions";
const FADE_AFTER_MS = 6000;
const FADE_OUT_MS = 800; // as long as the fading transition in space.css

/** Whether this browser shows captions: yes unless the viewer turned them off. */
export function captionsWanted() {
  try {
    return localStorage.getItem(WANTED_KEY) !== "off";
  } catch {
    return true; // storage refused (a private window): the default
  }
}

export function rememberCaptionsWanted(on) {
  try {
    localStorage.setItem(WANTED_KEY, on ? "on" : "off");
  } catch {
    /* not remembered; this page still follows the choice */
  }
}

/** Each speaker's current line: {segmentId, startMs, text, final, fading}. `onChange(speakerId)`
 * is called whenever a speaker's line changes, fades or goes. */
export class CaptionLines {
  constructor(onChange) {
    this.onChange = onChange;
    this.lines = new Map();
    this.timers = new Map();
  }

  /** A `captions.partial` (final false) or `captions.final` (final true) message's data. */
  take({ final = false, segment_id: segmentId, speaker_id: speakerId, start_ms: startMs = 0, text = "" }) {
    if (!speakerId || !segmentId) return;
    const line = this.lines.get(speakerId);
    if (line && line.segmentId === segmentId && line.final && !final) return; // a late partial
    if (line && line.segmentId !== segmentId && startMs < line.startMs) return; // an older utterance
    this.lines.set(speakerId, { segmentId, startMs, text, final, fading: false });
    this.fadeLater(speakerId);
    this.onChange(speakerId);
  }

  lineOf(speakerId) {
    return this.lines.get(speakerId) ?? null;
  }

  fadeLater(speakerId) {
    clearTimeout(this.timers.get(speakerId));
    const fade = setTimeout(() => {
      const line = this.lines.get(speakerId);
      if (!line) return;
      line.fading = true;
      this.onChange(speakerId);
      const gone = setTimeout(() => {
        this.lines.delete(speakerId);
        this.timers.delete(speakerId);
        this.onChange(speakerId);
      }, FADE_OUT_MS);
      this.timers.set(speakerId, gone);
    }, FADE_AFTER_MS);
    this.timers.set(speakerId, fade);
  }

  clear() {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    const speakers = [...this.lines.keys()];
    this.lines.clear();
    speakers.forEach((speakerId) => this.onChange(speakerId));
  }
}
