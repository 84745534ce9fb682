"""The captions benchmark's figures as the section of bench/README.md between its markers."""

from __future__ import annotations

from typing import Any

WER_AIM = 0.10
DELAY_P95_AIM_S = 2.0


def _verdict(met: bool) -> str:
    return "**met**" if met else "**missed**"


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _wer_rows(accuracy: dict[str, Any]) -> list[str]:
    rows = [
        "| voice | words | WER | substituted | deleted | inserted |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for voice, e in accuracy["per_voice"].items():
        rows.append(
            f"| `{voice}` | {e['words']} | {e['wer']:.1%} | {e['substitutions']} "
            f"| {e['deletions']} | {e['insertions']} |"
        )
    e = accuracy["overall"]
    rows.append(
        f"| **all** | {e['words']} | **{e['wer']:.1%}** | {e['substitutions']} "
        f"| {e['deletions']} | {e['insertions']} |"
    )
    return rows


def _wer_without_worst(accuracy: dict[str, Any]) -> str:
    """The overall rate without the voice tiny.en hears worst, for what the others weigh."""
    voices = accuracy["per_voice"]
    worst = max(voices, key=lambda v: voices[v]["wer"])
    rest = [e for v, e in voices.items() if v != worst]
    errors = sum(e["substitutions"] + e["deletions"] + e["insertions"] for e in rest)
    return f"{errors / sum(e['words'] for e in rest):.1%} without `{worst}`, the worst voice"


def _rtf_rows(rtf: dict[str, Any], estimate: float) -> list[str]:
    return [
        "| transcriber (tiny.en, int8, one thread, as the service runs it) | figure |",
        "|---|---:|",
        f"| utterances decoded (audio) | {rtf['decodes']} ({rtf['audio_s']:.0f} s) |",
        f"| **CPU seconds per audio second** | **{rtf['cpu_per_audio_s']:.3f}** |",
        f"| wall seconds per audio second | {rtf['wall_per_audio_s']:.3f} |",
        f"| a decode's CPU: fixed + per audio second (least squares) "
        f"| {rtf['decode_cpu_s_fixed']:.3f} s + {rtf['decode_cpu_s_per_audio_s']:.3f} s/s |",
        f"| median utterance; its decode's CPU / wall "
        f"| {rtf['utterance_s_median']:.2f} s; {rtf['decode_cpu_s_median']:.3f} / "
        f"{rtf['decode_wall_s_median']:.3f} s |",
        f"| speakers talking non-stop one core could give finals only (from the above) "
        f"| {estimate} |",
    ]


def _delay_rows(round_: dict[str, Any]) -> list[str]:
    rows = [
        "| end of a spoken word → first caption containing it | words | p50 s | p95 s | max s |",
        "|---|---:|---:|---:|---:|",
    ]
    names = {
        "partial": "`captions.partial`",
        "final": "`captions.final` (a word waits for the end of its sentence)",
        "shown": "either (what a viewer sees first)",
    }
    for kind, label in names.items():
        d = round_["word_delay_s"][kind]
        bold = "**" if kind == "shown" else ""
        rows.append(
            f"| {label} | {d['n']} of {round_['words']} | {bold}{_s(d['p50'])}{bold} "
            f"| {bold}{_s(d['p95'])}{bold} | {_s(d['max'])} |"
        )
    f = round_["finals_delay_s"]
    rows.append(
        f"| *each `captions.final` from the end of its last word* | {f['n']} finals "
        f"| {_s(f['p50'])} | {_s(f['p95'])} | {_s(f['max'])} |"
    )
    return rows


def _capacity_rows(rounds: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| speakers at once | Spaces | captions service, share of a core (machine busy) | "
        "partials sent / dropped | finals / sentences | final's delay p50 / p95 s | delay "
        "growth s/s | finals keep up | word → first caption p95 s |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in rounds:
        c, up, f = r["counters"], r["keeping_up"], r["finals_delay_s"]
        rows.append(
            f"| {r['speakers']} | {r['spaces']} | {r['captions_share_of_a_core_while_fed']:.0%} "
            f"({r['machine_busy_while_fed']:.0%}) "
            f"| {c.get('partials_sent', 0)} / {c.get('partials_dropped', 0)} "
            f"| {f['n']} / {r['sentences']} | {_s(f['p50'])} / {_s(f['p95'])} "
            f"| {up['slope_s_per_s']} | {_kept(up)} "
            f"| {_s(r['word_delay_s']['shown']['p95'])} |"
        )
    return rows


def _kept(keeping: dict[str, Any]) -> str:
    if keeping["keeps_up"]:
        return "yes"
    return "no, starved (the machine was busy)" if keeping.get("starved") else "**no**"


def _capacity(kept: list[int], rounds: list[dict[str, Any]]) -> tuple[str, str]:
    """How many speakers one core captions, and why that many."""
    most = max(kept) if kept else 0
    last = rounds[-1] if rounds else None
    if last is None or last["keeping_up"]["keeps_up"]:
        return f"at least {most}", "every round kept up"
    if last["keeping_up"].get("starved"):
        share = last["captions_share_of_a_core_while_fed"]
        return f"at least {most}", (
            f"the round of {last['speakers']} fell behind while the machine gave the service "
            f"{share:.0%} of a core: inconclusive"
        )
    return str(most), f"the most at once whose finals kept up; {last['speakers']} fell behind"


def markdown_section(results: dict[str, Any]) -> str:
    machine, accuracy, live = results["machine"], results["accuracy"], results["live"]
    delay = live["delay"]
    rounds = [delay, *live["capacity"]] + ([live["one_space"]] if "one_space" in live else [])
    kept = [r["speakers"] for r in [delay, *live["capacity"]] if r["keeping_up"]["keeps_up"]]
    wer = accuracy["overall"]["wer"]
    shown_p95 = delay["word_delay_s"]["shown"]["p95"]
    final_p95 = delay["finals_delay_s"]["p95"]
    params = results["params"]
    capacity, why = _capacity(kept, live["capacity"])
    within_aim = max(
        (
            r["speakers"]
            for r in [delay, *live["capacity"]]
            if (p95 := r["word_delay_s"]["shown"]["p95"]) is not None and p95 <= DELAY_P95_AIM_S
        ),
        default=0,
    )
    loads = [r["load_before"][0] for r in rounds]
    lines = [
        f"Measured {results['measured_at']} ({machine['cpus']} CPUs, {machine['cpu_model']}; "
        f"nats-server {machine['nats_server']}; code {results['code']}; load average "
        f"{min(loads):.1f}-{max(loads):.1f} before the live rounds), {results['wall_s']:.0f} s "
        "in all.",
        "",
        f"- **Word error rate {wer:.1%}** (aim ≤ {WER_AIM:.0%}: {_verdict(wer <= WER_AIM)}), "
        f"{params['sentences']} sentences x {len(params['voices'])} voices at "
        f"{params['wpm']} words a minute; {_wer_without_worst(accuracy)}.",
        f"- **Caption delay p95 {_s(shown_p95)} s** from the end of a word to the first caption "
        f"containing it (aim ≤ {DELAY_P95_AIM_S:.0f} s: "
        f"{_verdict(shown_p95 is not None and shown_p95 <= DELAY_P95_AIM_S)}); a final p95 "
        f"{_s(final_p95)} s after the last word it holds.",
        f"- **Speakers one core captions in real time: {capacity}** ({why}); the "
        f"transcriber's CPU per audio second {accuracy['rtf']['cpu_per_audio_s']:.3f}. "
        f"**Within the {DELAY_P95_AIM_S:.0f} s aim** (word → first caption p95), a Space "
        f"each: **{within_aim}**.",
        "",
        *_wer_rows(accuracy),
        "",
        *_rtf_rows(accuracy["rtf"], results["finals_only_speakers_per_core_estimate"]),
        "",
        f"Delay, one speaker talking for {delay['speech_s']:.0f} s ({delay['sentences']} "
        f"sentences, {PAUSE_NOTE.format(ms=params['pause_between_sentences_ms'])}), captions "
        "read on `live.space.<space_id>`:",
        "",
        *_delay_rows(delay),
        "",
        f"Speakers talking at once, {params['talk_s']:.0f} s each (the first row: the delay "
        "round), until the finals fell behind"
        + (
            "; the last row: the most that kept up, again, all in one Space:"
            if "one_space" in live
            else ":"
        ),
        "",
        *_capacity_rows(rounds),
    ]
    return "\n".join(lines)


PAUSE_NOTE = "{ms} ms between sentences"
