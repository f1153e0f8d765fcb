"""The report of a learned plant model (<run>/report.md, curves.svg, heldout.svg), written by
training/learn/evaluate.py and copied into the model folder by export.py: the probe's table,
the training curves, the held-out figures against the trivial baseline (every parameter at the
middle of its range; the commonest note) and the best fixed preset, the render times, and the
held-out sounds with axes in s and Hz."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from training.common.svg import line_plot, spectrogram_grid

REPORT_FILES = ("report.md", "curves.svg", "heldout.svg")


def channel_hz(rate: int = 8000, channels: int = 128) -> list:
    """Centre frequencies of the auditory channels (src/dsp/auditory-settings.ts)."""
    return [440 * 2 ** ((c + 0.5 - 30) / 24) * (rate / 16000) for c in range(channels)]


def _curves(run: Path, history: list) -> None:
    rounds = [h["round"] for h in history]
    col = lambda k: [h.get(k) for h in history]
    panels = [("losses (normalized MSE of auditory spectrograms; 1 = a constant)", "normalized MSE",
               {"plant: aud(plant(E(x))) vs x": (rounds, col("plant_nmse")), "decoder on its pairs": (rounds, col("dec_nmse")),
                "encoder through decoder": (rounds, col("enc_nmse"))})]
    monitor = {"MAE (normalized)": (rounds, col("mae"))}
    if history and "note_acc" in history[0]:
        monitor["note accuracy (fraction)"] = (rounds, col("note_acc"))
    panels.append(("training sounds against their vectors (display only, never in a loss)", "MAE / accuracy", monitor))
    line_plot(panels, "round", run / "curves.svg", "training curves")


def write_report(run: Path, res: dict, info: dict, schema: dict, sounds: dict) -> None:
    summary_path = run / "history.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    history = summary.get("history") or info.get("history", [])
    if history:
        _curves(run, history)
    frames = next(iter(sounds.values()))[0].shape[1]
    spectrogram_grid(list(sounds.items()), [f"held-out sound {k + 1}" for k in range(len(next(iter(sounds.values()))))],
                     frames * 64 / 8000,
                     channel_hz(), run / "heldout.svg", f"{schema['name']}: held-out sounds (seed {res['heldoutSeed']}), never in training")
    probe_path = run / "probe.json"
    probe = json.loads(probe_path.read_text()) if probe_path.exists() else None
    args = info.get("args", {})
    lines = [f"# {schema['name']}: a model learned by `mirrorbridge learn`", "",
             f"Plant `{args.get('plant')}` (schema `{args.get('schema')}`), schedule `{args.get('schedule')}`: "
             f"{args.get('babble')} babbling renders, {args.get('data')} training sounds, {args.get('warmup_epochs')} warm-up epochs, "
             f"{args.get('rounds')} rounds of {args.get('dec_epochs')} decoder + {args.get('enc_epochs')} encoder epochs, seed {args.get('seed')}, "
             f"{args.get('threads')} thread(s). Training took {summary.get('seconds', '?')} s; the label-free choice kept round "
             f"{res.get('bestRound')} (lowest plant loss).", ""]
    if probe:
        lines += ["## Probe", "", "| parameter | unit | range | effect | level dB | status |", "| --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {p['name']} | {p['unit']} | {p['range'][0]}..{p['range'][1]} | {p['effect']:.3f} | {p['levelDb']:.1f} | {p['status']} |"
                  for p in probe["params"]]
        lines += [""]
    names = list(res["maePerParam"])
    # babbling, the training sounds, and their re-rendering after the warm-up and each round
    renders = int(args.get("babble", 0)) + int(args.get("data", 0)) * (int(args.get("rounds", 0)) + 2)
    base = res.get("baselineMaePerParam", {})
    lines += [f"## Held-out figures ({res['heldout']} renders of seed {res['heldoutSeed']}, never seen in training)", "",
              "| parameter | MAE (normalized) | trivial baseline (middle of the range) |", "| --- | --- | --- |"]
    lines += [f"| {n} | {res['maePerParam'][n]:.3f} | {base.get(n, float('nan')):.3f} |" for n in names]
    base_med = float(np.median([base[n] for n in res["audibleParams"]])) if base else float("nan")
    lines += [f"| median over the audible ({', '.join(res['audibleParams'])}) | {res['medianMaeAudible']:.3f} | {base_med:.3f} |", ""]
    if "noteAccuracy" in res:
        lines += [f"- note accuracy {100 * res['noteAccuracy']:.1f} % ({100 * res['noteWithinSemitone']:.1f} % within a semitone); "
                  f"the commonest note alone: {100 * res['baselineNoteAccuracy']:.1f} %"]
        halves = res.get("noteAccuracyByHalf", {})
        if halves:
            lines += ["- note accuracy over the low / high half of each other parameter's range: " + ", ".join(
                f"{n} {100 * lo:.0f} / {100 * hi:.0f} %" for n, (lo, hi) in halves.items())]
    lines += [f"- re-rendering distance plant(E(x)) vs x: {res['plantDistance']:.3f}; the best of {res['presetCandidates']} fixed presets "
              f"(chosen on the held-out set itself): {res['bestPresetDistance']:.3f}; closer by {100 * res['closerThanPreset']:.1f} %",
              f"- rendering: {res['renderMsPerClip']['heldout']:.1f} ms per {res['renderSecondsPerClip']} s render with its features "
              f"(held-out), {res['renderMsPerClip']['training'] or float('nan'):.1f} ms while training; audio rendered: "
              f"{renders} renders of {res['renderSecondsPerClip']} s for training ({renders * res['renderSecondsPerClip'] / 60:.1f} min of "
              f"audio), {res['heldout'] + res['presetCandidates']} for the held-out figures", "",
              "## Figures", "", "![training curves](curves.svg)", "", "![held-out sounds](heldout.svg)", ""]
    (run / "report.md").write_text("\n".join(lines))
