"""Melody and control-trajectory sampling for MirrorNet (parameters only; audio comes from the plant).

Normalized parameter order is the plant's SET1/SET2 (src/synth/params.ts):
note, duration, volume, cutoff, resonance, attack, decay [, vibratoRate, vibratoIntensity, vibratoPhase].

Ranges (normalized) follow the paper/issue; duration is our choice, since the paper does not
give one. The melody model uses 0-0.5 (the gate holds 20-60 % of each 0.4-s slot, 80-240 ms):
with the decay range a note (attack + decay) fades to -60 dB within 105-265 ms, so a gate that ends inside that
time cuts the note audibly, while a gate longer than the note (the earlier 0.5-1) changes the
sound by less than 1e-3 of the spectrogram and cannot be learned from sound by any method.
The shipped stream model was trained with the earlier 0.5-1 (STREAM_DURATION). A stream model
retrained with 0-0.5 gates (audible gate-off) gained little gate accuracy on held-out short-gate
clips (0.886 against 0.861 for the shipped one) and lost note accuracy on audible frames (0.878
against 0.943), so it was not shipped. Those figures came from an uncommitted variant of
evaluate.py (the committed stream experiment draws its gates from STREAM_DURATION), and the
retrained model was not kept in the repository: they cannot be reproduced.
"""
from __future__ import annotations

import numpy as np

NOTE_GRID = np.array([62, 64, 65, 67, 69, 71, 72, 74])
SET1 = ["note", "duration", "volume", "cutoff", "resonance", "attack", "decay"]
SET2 = SET1 + ["vibratoRate", "vibratoIntensity", "vibratoPhase"]
TRAIN_RANGES = {
    "note": (0.0, 1.0), "duration": (0.0, 0.5), "volume": (0.6, 1.0), "cutoff": (0.3, 0.6),
    "resonance": (0.1, 0.4), "attack": (0.2, 0.4), "decay": (0.3, 0.5),
    "vibratoRate": (0.3, 0.5), "vibratoIntensity": (0.3, 0.7), "vibratoPhase": (0.0, 0.3),
}
STREAM_DURATION = (0.5, 1.0)
NOTES, SECONDS, FRAME_RATE = 5, 2.0, 125          # 8-ms frames
FRAMES = int(SECONDS * FRAME_RATE)                  # 250
# Continuous mode reads `duration` as a gate: on while p > 0.5.
GATE_ON, GATE_OFF = 0.75, 0.25


def note_to_p(midi: np.ndarray) -> np.ndarray:
    return (np.asarray(midi, dtype=np.float64) - 62.0) / 12.0


def p_to_note(p: np.ndarray) -> np.ndarray:
    """The plant's melody mapping: round(62 + 12p), then the nearest grid note (ties low)."""
    m = np.floor(62.0 + 12.0 * np.clip(p, 0, 1) + 0.5)   # JS Math.round (halves go up)
    d = np.abs(m[..., None] - NOTE_GRID)               # first minimum = lower note on ties
    return NOTE_GRID[np.argmin(d, axis=-1)]


def sample_melodies(n: int, rng: np.random.Generator, names=SET1, grid_notes: bool = True,
                    stream: bool = False) -> np.ndarray:
    """[n, 5, P] melodies: notes on the grid (or continuous when grid_notes=False), others uniform in range.
    stream=True draws durations from STREAM_DURATION (the stream model's training data)."""
    out = np.empty((n, NOTES, len(names)), dtype=np.float32)
    for j, name in enumerate(names):
        lo, hi = STREAM_DURATION if stream and name == "duration" else TRAIN_RANGES[name]
        out[:, :, j] = rng.uniform(lo, hi, size=(n, NOTES))
    if grid_notes:
        out[:, :, 0] = note_to_p(rng.choice(NOTE_GRID, size=(n, NOTES)))
    return out


def melodies_to_frames(mel: np.ndarray, rng: np.random.Generator | None = None, frames: int = FRAMES) -> np.ndarray:
    """Melodies [n, notes, 7] -> per-frame control [n, frames, 7] for the continuous renderer.

    With rng, note boundaries are jittered (slots of random length) so the stream model does
    not learn the fixed 0.4-s grid; the gate is on for `duration` of each slot as in the plant's
    melody mapping (0.2 + 0.8 p of the slot).
    """
    n, notes, p = mel.shape
    out = np.empty((n, frames, p), dtype=np.float32)
    for i in range(n):
        if rng is None:
            bounds = np.linspace(0, frames, notes + 1).round().astype(int)
        else:
            w = rng.uniform(0.4, 1.6, size=notes)
            bounds = np.concatenate([[0], np.cumsum(w / w.sum() * frames)]).round().astype(int)
        for k in range(notes):
            a, b = bounds[k], bounds[k + 1]
            out[i, a:b] = mel[i, k]
            # at least one gate-off frame per slot, so repeated notes retrigger
            gate = a + min(b - a - 1, max(1, int(round((b - a) * (0.2 + 0.8 * mel[i, k, 1])))))
            out[i, a:b, 1] = GATE_OFF
            out[i, a:gate, 1] = GATE_ON
    return out


def encoder_ranges(names=SET1, stream: bool = False) -> list:
    """Output range of each encoder parameter: the training range; the stream gate spans [0, 1]."""
    ranges = [TRAIN_RANGES[n] for n in names]
    if stream:
        ranges[names.index("duration")] = (0.0, 1.0)
    return ranges


# -- the voice variant: a stream model over the singer's range (issue 17) ----------------------
# The plant's continuous mode plays MIDI 36-96 (note p in [-13/6, 17/6], 62 + 12p); the voice model
# covers MIDI 36-84. Its trajectories are drawn to look more like a voice than the melodies do:
# phrases in one register, continuous pitch, legato notes that glide, volume and cutoff that move
# within a note, long decays (sustained tones). All values come from the ranges below; nothing is
# copied from a voice, and training stays label-free (the plant renders what is drawn here).
VOICE_MIDI = (36, 84)
# The continuous plant's note range (src/synth/params.ts, MIDI 36-96), a little inside so float32 stays in it.
CONTINUOUS_P = (-13.0 / 6.0 + 1e-5, 17.0 / 6.0 - 1e-5)
VOICE_RANGES = dict(TRAIN_RANGES, volume=(0.4, 1.0), cutoff=(0.2, 0.75), decay=(0.4, 1.0))


def voice_note_p(midi) -> np.ndarray:
    return (np.asarray(midi, dtype=np.float64) - 62.0) / 12.0


def voice_encoder_ranges(names=SET1) -> list:
    """Encoder output ranges of the voice variant: the note over VOICE_MIDI, the gate [0, 1], the rest VOICE_RANGES."""
    ranges = [VOICE_RANGES[n] for n in names]
    ranges[names.index("note")] = tuple(float(v) for v in voice_note_p(VOICE_MIDI))
    ranges[names.index("duration")] = (0.0, 1.0)
    return ranges


def sample_voice_frames(n: int, rng: np.random.Generator, frames: int = FRAMES, semitones: bool = True) -> np.ndarray:
    """[n, frames, 7] control trajectories for the continuous renderer over VOICE_MIDI.

    Per clip: a register (centre MIDI 42-78) and 3-7 note slots of random length; each note within
    +-7 semitones of the centre (whole semitones, detuned by up to 0.3 st in half the clips, when
    `semitones`; else continuous). A slot holds its gate for 50-100 % of its length (at least one
    frame off) or, with probability 0.3, legato: the gate stays on and the pitch glides from the
    previous note over 40-200 ms (slower than the plant's retrigger step). Volume and cutoff ramp
    linearly between two draws within each slot; resonance, attack and decay are constant per slot.
    """
    lo, hi = VOICE_MIDI
    names = SET1
    ix = {k: names.index(k) for k in names}
    out = np.empty((n, frames, len(names)), dtype=np.float32)
    for i in range(n):
        slots = int(rng.integers(3, 8))
        w = rng.uniform(0.4, 1.6, size=slots)
        bounds = np.concatenate([[0], np.cumsum(w / w.sum() * frames)]).round().astype(int)
        centre = rng.uniform(lo + 6, hi - 6)
        midi = np.clip(centre + rng.uniform(-7, 7, size=slots), lo, hi)
        if semitones:
            midi = np.round(midi)
            if rng.random() < 0.5:
                midi = midi + rng.uniform(-0.3, 0.3, size=slots)
            midi = np.clip(midi, lo, hi)
        prev = None
        for k in range(slots):
            a, b = bounds[k], bounds[k + 1]
            m = b - a
            if m <= 0:
                continue
            seg = out[i, a:b]
            for name in ("resonance", "attack", "decay"):
                seg[:, ix[name]] = rng.uniform(*VOICE_RANGES[name])
            ramp = np.linspace(0.0, 1.0, m)
            for name in ("volume", "cutoff"):
                v0, v1 = rng.uniform(*VOICE_RANGES[name], size=2)
                seg[:, ix[name]] = v0 + (v1 - v0) * ramp
            pitch = np.full(m, midi[k])
            legato = prev is not None and rng.random() < 0.3
            if legato:
                g = min(m, int(rng.integers(5, 26)))
                # at most 0.4 st per frame, below the plant's 0.5-st retrigger step
                g = max(g, min(m, int(np.ceil(abs(midi[k] - prev) / 0.4))))
                pitch[:g] = prev + (midi[k] - prev) * np.linspace(1.0 / g, 1.0, g)
                seg[:, ix["duration"]] = GATE_ON
                if k > 0:   # the previous slot's gate stays on up to this one
                    pa = bounds[k - 1]
                    out[i, pa:a, ix["duration"]] = GATE_ON
            else:
                gate = min(m - 1, max(1, int(round(m * rng.uniform(0.5, 1.0)))))
                seg[:, ix["duration"]] = GATE_OFF
                seg[:gate, ix["duration"]] = GATE_ON
            seg[:, ix["note"]] = voice_note_p(pitch)
            prev = midi[k]
    return out
