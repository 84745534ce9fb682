"""Listening inside a page: what the web client plays (its ``<audio data-role=space-audio>``
element's stream, or an ``<audio>`` element playing a URL: a replay, a clip) is analysed with
WebAudio, and a test waits until a given tone is heard — non-silent samples whose loudest band
is that tone's frequency.
"""

from __future__ import annotations

from typing import Any

# Runs in the page on every poll: (re)attach an analyser to the stream being played, take one
# frame, and say whether `hz` was the dominant tone, above the others, in enough recent frames.
_HEARS = """
([hz, others]) => {
  const el = document.querySelector('audio[data-role="space-audio"]');
  if (!el || !el.srcObject) return false;
  let probe = window.__parleyProbe;
  if (!probe || probe.stream !== el.srcObject) {
    const context = new AudioContext();
    context.resume();
    const analyser = context.createAnalyser();
    analyser.fftSize = 4096;
    analyser.smoothingTimeConstant = 0;
    context.createMediaStreamSource(el.srcObject).connect(analyser);
    probe = window.__parleyProbe = {
      stream: el.srcObject, context, analyser, frames: [],
      spectrum: new Float32Array(analyser.frequencyBinCount),
      samples: new Float32Array(analyser.fftSize),
    };
  }
  const {analyser, context, spectrum, samples} = probe;
  analyser.getFloatFrequencyData(spectrum);
  analyser.getFloatTimeDomainData(samples);
  let sum = 0;
  for (const x of samples) sum += x * x;
  const band = (f) => {
    const bin = Math.round(f / (context.sampleRate / analyser.fftSize));
    let loudest = -Infinity;
    for (let i = bin - 2; i <= bin + 2; i++) loudest = Math.max(loudest, spectrum[i]);
    return loudest;
  };
  const frame = {rms: Math.sqrt(sum / samples.length), level: band(hz), others: others.map(band)};
  probe.frames.push(frame);
  if (probe.frames.length > 40) probe.frames.shift();
  const hits = probe.frames.filter(
    (f) => f.rms > 0.002 && f.level > -60 && f.others.every((o) => f.level > o + 10)
  );
  window.__parleyHeard = {hz, hits: hits.length, last: frame};
  return hits.length >= 3;
}
"""


def wait_until_hears(
    page: Any, hz: float, *, not_hz: tuple[float, ...] = (), timeout_ms: int = 20_000
) -> None:
    """Wait until the page plays a tone of ``hz`` (louder than any of ``not_hz``)."""
    try:
        page.wait_for_function(_HEARS, arg=[hz, list(not_hz)], polling=100, timeout=timeout_ms)
    except Exception as error:
        heard = page.evaluate("window.__parleyHeard || null")
        raise AssertionError(f"never heard {hz} Hz; last analysis: {heard}") from error


# The same analysis for an <audio> element playing a URL: its output is taken with
# createMediaElementSource (and still sent to the speakers). Each element gets one probe.
_ELEMENT_HEARS = (
    _HEARS.replace(
        "([hz, others]) => {",
        "([hz, others, selector]) => {",
    )
    .replace(
        """  const el = document.querySelector('audio[data-role="space-audio"]');
  if (!el || !el.srcObject) return false;
  let probe = window.__parleyProbe;
  if (!probe || probe.stream !== el.srcObject) {""",
        """  const el = document.querySelector(selector);
  if (!el) return false;
  let probe = window.__parleyProbe;
  if (!probe || probe.stream !== el) {""",
    )
    .replace(
        "context.createMediaStreamSource(el.srcObject).connect(analyser);",
        "context.createMediaElementSource(el).connect(analyser);\n"
        "    analyser.connect(context.destination);",
    )
    .replace("stream: el.srcObject, context", "stream: el, context")
)


def wait_until_element_plays(
    page: Any,
    selector: str,
    hz: float,
    *,
    not_hz: tuple[float, ...] = (),
    timeout_ms: int = 20_000,
) -> None:
    """Wait until the ``<audio>`` element ``selector`` (playing a URL) sounds a tone of ``hz``.
    Call it once before the element plays: the probe takes over the element's output."""
    try:
        page.wait_for_function(
            _ELEMENT_HEARS, arg=[hz, list(not_hz), selector], polling=100, timeout=timeout_ms
        )
    except Exception as error:
        heard = page.evaluate("window.__parleyHeard || null")
        raise AssertionError(f"never heard {hz} Hz from {selector}; last: {heard}") from error
