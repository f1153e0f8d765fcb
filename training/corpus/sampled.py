"""Sampled instruments for the VQ-VAE corpus: MIDI written here, rendered by fluidsynth.

Each clip is one instrument (a General MIDI program) playing 3-9 notes or chords over several
octaves and dynamics (velocity 25-120), written as a standard MIDI file by `midi_file` and
rendered offline by fluidsynth (reverb and chorus off, 32-bit float) at 16 kHz, then
peak-normalised and rounded to 16 bits here (no dither), so a clip is a pure function of its
generator. Clip n of a split plays family FAMILIES[n % len(FAMILIES)], so every split holds
every family.

Soundfonts, by split (the project's rule: only TimGM6mb and OPL-3 may feed training and
development; FluidR3_GM is test-only): train and dev draw TimGM6mb or OPL-3 per clip, test
plays FluidR3_GM only, so the test set's instruments are samples the model never heard.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import wave

import numpy as np

SF2_DIR = os.environ.get('MB_SF2_DIR', '/usr/share/sounds/sf2')
SOUNDFONTS = {'train': ('TimGM6mb.sf2', 'OPL-3_FM_128M.sf2'), 'dev': ('TimGM6mb.sf2', 'OPL-3_FM_128M.sf2'),
              'test': ('FluidR3_GM.sf2',)}
# family: (General MIDI programs, 0-based; lowest and highest MIDI note; chords allowed)
FAMILIES = {
    'piano': ((0, 1), 36, 96, True),
    'epiano': ((4, 5), 40, 88, True),
    'organ': ((16, 19), 36, 84, True),
    'guitar': ((24, 25), 40, 81, True),
    'violin': ((40, 48), 55, 96, False),
    'flute': ((73, 74), 60, 96, False),
    'brass': ((56, 61), 48, 82, False),
    'lead': ((80, 81), 48, 84, False),
}
FAMILY_NAMES = tuple(FAMILIES)
TICKS = 480          # per quarter note, at the default 120 bpm: 960 ticks a second
SR = 16000


class SampledError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f'{code}: {message}')
        self.code = code


def soundfont_path(name: str) -> str:
    return os.path.join(SF2_DIR, name)


def missing_soundfonts() -> list:
    return [n for names in SOUNDFONTS.values() for n in names if not os.path.exists(soundfont_path(n))]


def _vlq(n: int) -> bytes:
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def midi_file(program: int, notes: list) -> bytes:
    """A format-0 SMF: program change on channel 0, then notes [(start s, end s, key, velocity)]."""
    events = [(0, 0, bytes([0xC0, program]))]
    for start, end, key, vel in notes:
        events.append((round(start * 2 * TICKS), 1, bytes([0x90, key, vel])))
        events.append((round(end * 2 * TICKS), 0, bytes([0x80, key, 0])))
    events.sort(key=lambda e: (e[0], e[1]))   # note-offs before note-ons at the same tick
    track, now = b'', 0
    for tick, _, data in events:
        track += _vlq(tick - now) + data
        now = tick
    track += b'\x00\xff\x2f\x00'
    return b'MThd' + struct.pack('>IHHH', 6, 0, 1, TICKS) + b'MTrk' + struct.pack('>I', len(track)) + track


def draw_clip(rng, family: str, split: str) -> dict:
    """The clip's program, soundfont and notes, drawn from the file's own generator."""
    programs, low, high, chords = FAMILIES[family]
    program = rng.choice(programs)
    soundfont = rng.choice(SOUNDFONTS[split])
    centre = rng.randint(low + 6, high - 6)
    loud = rng.randint(25, 120)
    notes, t = [], 0.0
    for _ in range(rng.randint(3, 9)):
        dur = rng.uniform(0.2, 1.3)
        key = max(low, min(high, centre + rng.randint(-7, 7)))
        vel = max(1, min(127, loud + rng.randint(-20, 20)))
        keys = [key]
        if chords and rng.random() < 0.3:
            keys += [k for k in (key + rng.choice([3, 4]), key + 7) if k <= high]
        for k in keys:
            notes.append((t, t + dur, k, vel))
        # legato (overlap), joined, or a rest
        t += dur + rng.choice([-0.05, 0.0, 0.0, rng.uniform(0.05, 0.4)])
        t = max(t, notes[-1][0] + 0.1)
    return {'family': family, 'program': program, 'soundfont': soundfont, 'notes': notes,
            'peakDb': rng.uniform(-18, -3), 'end': max(n[1] for n in notes)}


def render(clip: dict, path: str):
    """Renders the clip with fluidsynth into a 16-bit 16-kHz WAV at `path`."""
    if shutil.which('fluidsynth') is None:
        raise SampledError('MB_ERR_TOOL_MISSING', 'fluidsynth not found; run ./scripts/setup.sh')
    sf2 = soundfont_path(clip['soundfont'])
    if not os.path.exists(sf2):
        raise SampledError('MB_ERR_TOOL_MISSING', f'{sf2} not found; run ./scripts/setup.sh')
    mid, raw = path + '.mid', path + '.f32'
    with open(mid, 'wb') as f:
        f.write(midi_file(clip['program'], clip['notes']))
    res = subprocess.run(['fluidsynth', '-q', '-n', '-i', '-R', '0', '-C', '0', '-g', '0.5', '-r', str(SR),
                          '-O', 'float', '-T', 'raw', '-F', raw, sf2, mid], capture_output=True, text=True)
    os.remove(mid)
    if res.returncode != 0 or not os.path.exists(raw):
        raise SampledError('MB_ERR_INTERNAL', f'fluidsynth failed ({res.returncode}): {res.stderr.strip()[:400]}')
    x = np.fromfile(raw, dtype='<f4').astype(np.float64)
    os.remove(raw)
    x = x[:x.size // 2 * 2].reshape(-1, 2).mean(1)     # fluidsynth writes stereo frames
    # At most one second of release after the last note-off, trailing silence (-80 dB) cut.
    x = x[:int((clip['end'] + 1.0) * SR)]
    peak = float(np.abs(x).max()) if x.size else 0.0
    if peak <= 0:
        raise SampledError('MB_ERR_INTERNAL', f'fluidsynth rendered silence for {path} ({clip["soundfont"]}, '
                                              f'program {clip["program"]})')
    loud = np.nonzero(np.abs(x) > peak * 1e-4)[0]
    x = x[:loud[-1] + 1]
    pcm = np.round(x / peak * 10 ** (clip['peakDb'] / 20) * 32767).astype('<i2')
    with wave.open(path, 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm.tobytes())


def sampled_voice(rng, path, split: str, n: int) -> dict:
    """Clip n of `split`: draws it, renders it; returns what corpus.json records of it."""
    clip = draw_clip(rng, FAMILY_NAMES[n % len(FAMILY_NAMES)], split)
    render(clip, path)
    return {'family': clip['family'], 'program': clip['program'], 'soundfont': clip['soundfont']}
