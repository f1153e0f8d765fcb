"""Corpus loading and random segment batches for the VQ-VAE (see training/corpus/build.py)."""
from __future__ import annotations

import json
import os
import wave

import numpy as np


def read_wav16(path: str) -> np.ndarray:
    """Reads a 16-bit mono WAV written by the corpus builder as float32 in [-1, 1]."""
    with wave.open(path, 'rb') as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError(f'{path}: expected 16-bit mono, got {8 * w.getsampwidth()}-bit x{w.getnchannels()}')
        raw = w.readframes(w.getnframes())
    return np.frombuffer(raw, dtype='<i2').astype(np.float32) / 32768.0


def eval_split(corpus_dir: str) -> str:
    """The split that training and export evaluate on: 'dev' (training/corpus/build.py: dev is for
    design choices, test only for reported figures), or 'heldout' in a corpus of the first
    builder, whose held-out split was a position in one shared random stream."""
    with open(os.path.join(corpus_dir, 'corpus.json')) as f:
        meta = json.load(f)
    return 'dev' if any(e['split'] == 'dev' for e in meta['files']) else 'heldout'


def check_corpus(corpus_dir: str) -> str:
    """Stops (SystemExit, MB_ERR_BAD_AUDIO) when a dev or test file of the corpus also feeds
    training (audio or generating key, training/corpus/build.py check_splits); returns a note
    for the log. A corpus of the first builder cannot be checked: the note says so."""
    from training.corpus.build import check_splits
    if eval_split(corpus_dir) == 'heldout':
        return (f'{corpus_dir} is a first-builder corpus (split heldout): its held-out files cannot be '
                'checked against training; rebuild it with training/corpus/build.py')
    problems = check_splits(corpus_dir)
    if problems:
        raise SystemExit(f'MB_ERR_BAD_AUDIO: {corpus_dir}: ' + '; '.join(problems[:5]))
    return f'{corpus_dir}: dev and test disjoint from train (audio sha256 and keys)'


class SegmentSampler:
    """Draws random (frame, following segment) pairs from one split of the corpus.

    All files of the split are concatenated; a start is valid when the whole segment lies in
    one file. Mostly-silent starts are kept at a small rate so the codebook has a silence
    code without spending capacity on it."""

    def __init__(self, corpus_dir: str, split: str, window: int, segment: int, seed: int,
                 silence_keep: float = 0.05, silence_rms: float = 1e-3):
        with open(os.path.join(corpus_dir, 'corpus.json')) as f:
            meta = json.load(f)
        entries = [e for e in meta['files'] if e['split'] == split]
        if not entries:
            raise SystemExit(f'no {split} files in {corpus_dir}; run training/corpus/build.py')
        clips = [read_wav16(os.path.join(corpus_dir, e['file'])) for e in entries]
        self.sources = sorted({e['source'] for e in entries})
        self.seconds = sum(len(c) for c in clips) / meta['sampleRate']
        self.audio = np.concatenate(clips)
        starts, offset = [], 0
        for c in clips:
            if len(c) >= segment:
                starts.append(np.arange(offset, offset + len(c) - segment + 1, 4, dtype=np.int64))
            offset += len(c)
        starts = np.concatenate(starts)
        rms = self._rms(starts, window)
        rng = np.random.default_rng(seed)
        keep = (rms >= silence_rms) | (rng.random(len(starts)) < silence_keep)
        self.starts = starts[keep]
        self.window, self.segment = window, segment
        self.rng = rng

    def _rms(self, starts: np.ndarray, window: int) -> np.ndarray:
        sq = np.concatenate([[0.0], np.cumsum(self.audio.astype(np.float64) ** 2)])
        return np.sqrt((sq[starts + window] - sq[starts]) / window)

    def batch(self, size: int) -> np.ndarray:
        """[size, segment] float32; the first `window` samples are the encoder's frame."""
        s = self.starts[self.rng.integers(0, len(self.starts), size)]
        return self.audio[s[:, None] + np.arange(self.segment)[None, :]]

    def fixed(self, count: int, seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        s = np.sort(self.starts[rng.integers(0, len(self.starts), count)])
        return self.audio[s[:, None] + np.arange(self.segment)[None, :]]


class FrameSet:
    """Every frame of one split at a stride, with its normalized magnitude spectrum and pitch
    (the 'harmonic' synthesis trains frame by frame on these).

    magnitudes [N, W/2 + 1] = |rfft(hann x frame / gain)| / sqrt(W) (the encoder's input),
    f0 [N] from the TypeScript YIN with `pitch`'s settings (training/vqvae/pitch.py; 0 =
    unvoiced), or None when `pitch` is None; gains [N]. Mostly-silent frames are kept at a small
    rate, as in SegmentSampler."""

    def __init__(self, corpus_dir: str, split: str, window: int, stride: int, pitch, seed: int,
                 gain_floor: float = 1e-5, silence_keep: float = 0.05, silence_rms: float = 1e-3):
        import math
        import torch
        from training.vqvae.pitch import yin
        if pitch is not None and pitch.frame_length != window:
            raise SystemExit(f'FrameSet: the pitch tracker reads {pitch.frame_length}-sample frames, the windows are {window}')
        with open(os.path.join(corpus_dir, 'corpus.json')) as f:
            meta = json.load(f)
        entries = [e for e in meta['files'] if e['split'] == split]
        if not entries:
            raise SystemExit(f'no {split} files in {corpus_dir}; run training/corpus/build.py')
        self.sources = sorted({e['source'] for e in entries})
        rng = np.random.default_rng(seed)
        frames, seconds = [], 0.0
        for e in entries:
            x = read_wav16(os.path.join(corpus_dir, e['file']))
            seconds += len(x) / meta['sampleRate']
            if len(x) < window:
                continue
            fr = np.lib.stride_tricks.sliding_window_view(x, window)[::stride]
            rms = np.sqrt((fr.astype(np.float64) ** 2).mean(-1))
            keep = (rms >= silence_rms) | (rng.random(len(rms)) < silence_keep)
            frames.append(np.ascontiguousarray(fr[keep]))
        self.seconds = seconds
        x = torch.from_numpy(np.concatenate(frames))
        self.gains = x.pow(2).mean(-1).sqrt().clamp_min(gain_floor)
        hann = torch.hann_window(window)
        self.magnitudes = torch.cat([torch.fft.rfft(c / g[:, None] * hann).abs() / math.sqrt(window)
                                     for c, g in zip(torch.split(x, 4096), torch.split(self.gains, 4096))])
        self.f0 = yin(x, pitch) if pitch is not None else None
        self.rng = rng

    def __len__(self) -> int:
        return len(self.gains)

    def batch(self, size: int):
        idx = self.rng.integers(0, len(self), size)
        return self.magnitudes[idx], self.f0[idx]
