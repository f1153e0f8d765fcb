"""A second synthesizer for experiment 3: two-operator FM with an AD envelope.

Deliberately unlike the plant (no oscillator mix, no band-pass filter): the carrier is a sine
phase-modulated by a sine at a ratio of the pitch, with a decaying modulation index, so the
spectrum and its evolution differ from anything MirrorNet trained on. Test tooling only.
"""
from __future__ import annotations

import numpy as np

from training.mirrornet.data import NOTE_GRID, NOTES, SECONDS, note_to_p


def fm_melodies(n: int, rng: np.random.Generator, sample_rate: int = 8000):
    """Returns (audio [n, samples], midi [n, 5], note_p [n, 5]); notes on the plant's grid."""
    total = int(SECONDS * sample_rate)
    slot = total // NOTES
    t = np.arange(slot) / sample_rate
    midi = rng.choice(NOTE_GRID, size=(n, NOTES))
    audio = np.zeros((n, total), dtype=np.float32)
    for i in range(n):
        for k in range(NOTES):
            f0 = 440.0 * 2 ** ((midi[i, k] - 69) / 12)
            ratio = rng.choice([1.0, 2.0, 3.0])
            index0 = rng.uniform(1.0, 4.0)
            attack = rng.uniform(0.005, 0.03)
            decay = rng.uniform(0.08, 0.3)
            gate = slot * rng.uniform(0.6, 1.0) / sample_rate
            env = np.minimum(t / attack, 1.0) * np.exp(-np.maximum(t - attack, 0) / decay)
            env *= np.clip((gate - t) / 0.01, 0, 1)
            index = index0 * np.exp(-t / (2 * decay))
            y = np.sin(2 * np.pi * f0 * t + index * np.sin(2 * np.pi * ratio * f0 * t))
            audio[i, k * slot:(k + 1) * slot] = (rng.uniform(0.3, 0.9) * env * y).astype(np.float32)
    return audio, midi, note_to_p(midi)
