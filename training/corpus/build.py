"""Builds the VQ-VAE timbre corpus from sources that need no download.

Sources (each with its own held-out files, never shared with training):
  sox     synth voices: sine, saw, square, triangle, filtered noise, with envelopes,
          tremolo and linear/exponential glides;
  espeak  espeak-ng voices speaking sentences and sustaining vowels, pitch-shifted by sox
          to several registers (vocal sketches);
  plant   the TypeScript plant (src/synth renderMelody) with random parameters, rendered by
          training/corpus/plant.cjs from a private tsc build in <out>/.dist (skipped with a
          warning when src/synth cannot be compiled).

Output: <out>/{train,heldout}/<source>-<n>.wav, 16 kHz mono 16-bit, and <out>/corpus.json
listing every file with its source, split and duration.

Usage:
  /usr/bin/python3 -m training.corpus.build --out training/runs/corpus --minutes 16 --seed 1
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import wave

SR = 16000
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

SENTENCES = [
    'the quick brown fox jumps over the lazy dog',
    'she sells sea shells by the sea shore',
    'a bright melody rises from the violin and fades away',
    'mirror mirror on the wall who sings the softest of them all',
    'we hum and whistle while the machine listens closely',
    'low tones rumble under the bridge at night',
    'seven silver swans swim silently seaward',
    'every voice becomes a synthesizer when it is heard',
    'the rain in spain stays mainly in the plain',
    'how much wood would a woodchuck chuck',
    'play it again with a little more air in the sound',
    'numbers one two three four five six seven eight nine ten',
]
HELDOUT_SENTENCES = [
    'a gentle breeze carries the echo of distant bells',
    'pack my box with five dozen liquor jugs',
]
VOWELS = ['aaaaaaaa', 'eeeeeeee', 'iiiiiiii', 'oooooooo', 'uuuuuuuu', 'mmmmmmmm', 'aaaooouuu', 'iiieeeaaa']
TRAIN_VOICES = ['en+m1', 'en+m3', 'en+f1', 'en+f3', 'en+klatt', 'en-us+m2', 'fr+f2', 'de+m4', 'es+f5', 'it+m6']
HELDOUT_VOICES = ['en+f4', 'en-us+m7']
# --extra-train-minutes: more voices and sentences for training only (the held-out voices and
# sentences above stay unseen), so the held-out files are the same with or without the extra.
EXTRA_VOICES = ['en+m2', 'en+m4', 'en+m5', 'en+m6', 'en+f2', 'en+f5', 'en+klatt2', 'en+klatt3', 'en+Annie',
                'en+Andy', 'en+Alicia', 'en+Michael', 'en+Denis', 'en-us+f1', 'nl+f3', 'pt+m2', 'sv+m1', 'pl+f2']
EXTRA_SENTENCES = [
    'a soft wind sways the tall grass in the summer field',
    'turn the knob slowly and listen to the filter open',
    'the drummer counts in and the band begins to swing',
    'under a pale moon the owl calls twice and waits',
    'bring the volume down and let the echo ring out',
    'five quiet voices sing a chord that slowly changes',
    'is it the singer or the synthesizer that we hear',
    'rolling thunder far away over the grey hills',
]


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def duration_of(path):
    with wave.open(path, 'rb') as w:
        return w.getnframes() / w.getframerate()


def sox_voice(rng, path):
    """One sox synth clip: 1-3 notes of a random waveform with envelope and optional glide."""
    parts = []
    tmpdir = os.path.dirname(path)
    for i in range(rng.randint(1, 3)):
        kind = rng.choice(['sine', 'sawtooth', 'square', 'triangle', 'noise', 'sawtooth', 'square'])
        dur = rng.uniform(0.6, 2.0)
        f0 = 55 * 2 ** rng.uniform(0, 4.5)
        seg = os.path.join(tmpdir, f'seg{i}.wav')
        if kind == 'noise':
            colour = rng.choice(['whitenoise', 'pinknoise', 'brownnoise'])
            centre = 200 * 2 ** rng.uniform(0, 5)
            effects = ['sinc', '-n', '255', f'{centre / 1.5:.0f}-{min(centre * 1.5, 7800):.0f}'] if rng.random() < 0.7 else []
            gen = ['synth', f'{dur:.3f}', colour] + effects
        else:
            glide = rng.random()
            if glide < 0.35:
                f1 = f0 * 2 ** rng.uniform(-1, 1)
                freq = f'{f0:.1f}{rng.choice([":", "/"])}{f1:.1f}'
            else:
                freq = f'{f0:.1f}'
            gen = ['synth', f'{dur:.3f}', kind, freq]
            if rng.random() < 0.5:
                gen += ['lowpass', f'{f0 * rng.uniform(2, 12):.0f}']
        fade_in = rng.uniform(0.005, min(0.3, dur / 3))
        fade_out = rng.uniform(0.02, min(0.5, dur / 2))
        env = ['fade', 'q', f'{fade_in:.3f}', f'{dur:.3f}', f'{fade_out:.3f}']
        if rng.random() < 0.3:
            env += ['tremolo', f'{rng.uniform(2, 8):.1f}', f'{rng.uniform(20, 70):.0f}']
        vol = ['vol', f'{rng.uniform(0.1, 0.8):.3f}']
        run(['sox', '-n', '-r', str(SR), '-c', '1', '-b', '16', seg] + gen + env + vol + ['pad', '0', f'{rng.uniform(0, 0.2):.3f}'])
        parts.append(seg)
    run(['sox'] + parts + [path])
    for p in parts:
        os.remove(p)


def espeak_voice(rng, path, voices, sentences):
    """One espeak-ng clip, a sentence or a sustained vowel, pitch-shifted to a register."""
    tmp = path + '.raw.wav'
    voice = rng.choice(voices)
    if rng.random() < 0.5:
        text, speed = rng.choice(sentences), rng.randint(110, 180)
    else:
        text, speed = rng.choice(VOWELS), rng.randint(60, 90)
    pitch = rng.randint(10, 90)
    run(['espeak-ng', '-v', voice, '-p', str(pitch), '-s', str(speed), '-w', tmp, text])
    shift = rng.choice([-700, -300, 0, 0, 300, 700, 1000])
    effects = ['pitch', str(shift)] if shift else []
    run(['sox', tmp, '-r', str(SR), '-c', '1', '-b', '16', path] + effects + ['rate', str(SR), 'norm', f'{rng.uniform(-18, -3):.1f}'])
    os.remove(tmp)


def plant_clips(out_dir, prefix, count, seed):
    """Renders plant melodies through the compiled TypeScript plant; returns file paths."""
    script = os.path.join(REPO, 'training', 'corpus', 'plant.cjs')
    dist = os.path.join(os.path.dirname(out_dir), '.dist')
    if not os.path.exists(os.path.join(dist, 'src', 'synth')):
        # Compile a private copy: tsc emits even when unrelated files of the tree do not typecheck.
        subprocess.run(['npx', 'tsc', '-p', os.path.join(REPO, 'tsconfig.json'), '--outDir', dist],
                       cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not os.path.exists(os.path.join(dist, 'src', 'synth', 'index.js')):
        print('corpus: src/synth could not be compiled; plant source skipped', file=sys.stderr)
        return []
    res = subprocess.run(['node', script, '--dist', dist, '--out', out_dir, '--prefix', prefix, '--count', str(count),
                          '--seed', str(seed), '--sr', str(SR)], capture_output=True, text=True)
    if res.returncode != 0:
        print(f'corpus: plant rendering failed, source skipped: {res.stderr.strip()[:400]}', file=sys.stderr)
        return []
    return [line for line in res.stdout.split('\n') if line.endswith('.wav')]


def add_plant(files, out, split, prefix, count, seed):
    """Plant clips into <out>/<split>, listed in `files`; returns how many."""
    paths = plant_clips(os.path.join(out, split), prefix, count, seed)
    for p in paths:
        files.append({'file': os.path.relpath(p, out), 'source': 'plant', 'split': split, 'seconds': duration_of(p)})
    return len(paths)


def add_clips(files, out, split, prefix, source, budget, make):
    """Clips made by make(path) into <out>/<split>/<prefix>-NNNN.wav until `budget` seconds,
    listed in `files`; returns (count, seconds)."""
    made, n = 0.0, 0
    while made < budget:
        path = os.path.join(out, split, f'{prefix}-{n:04d}.wav')
        make(path)
        sec = duration_of(path)
        files.append({'file': os.path.relpath(path, out), 'source': source, 'split': split, 'seconds': sec})
        made += sec
        n += 1
    return n, made


def build_extra(out, minutes, seed, files):
    """Training-only clips after the main build (its own random stream, so the main train and
    held-out files do not change): espeak with EXTRA_VOICES / EXTRA_SENTENCES, and plant."""
    rng = random.Random(seed * 7919 + 17)
    n, made = add_clips(files, out, 'train', 'espeakx', 'espeak', minutes * 60 * 0.7,
                        lambda path: espeak_voice(rng, path, EXTRA_VOICES + TRAIN_VOICES, EXTRA_SENTENCES + SENTENCES))
    print(f'corpus: espeakx train    {n:4d} files {made:7.1f} s (extra)', flush=True)
    n = add_plant(files, out, 'train', 'plantx', max(2, int(minutes * 60 * 0.3 / 4)), seed * 1000 + 31)
    print(f'corpus: plantx  train    {n:4d} files (extra)', flush=True)


def build(out, minutes, seed, sources, extra_minutes=0.0):
    rng = random.Random(seed)
    files = []
    per_source = minutes * 60 / len(sources)
    for split in ('train', 'heldout'):
        os.makedirs(os.path.join(out, split), exist_ok=True)
    for source in sources:
        for split, share in (('train', 0.88), ('heldout', 0.12)):
            budget = per_source * share
            if source == 'plant':
                n = add_plant(files, out, split, 'plant', max(2, int(budget / 4)), seed * 1000 + (7 if split == 'heldout' else 0))
                print(f'corpus: {source:7s} {split:8s} {n:4d} files', flush=True)
                continue
            held = split == 'heldout'
            if source == 'sox':
                make = lambda path: sox_voice(rng, path)
            else:
                make = lambda path: espeak_voice(rng, path, HELDOUT_VOICES if held else TRAIN_VOICES,
                                                 HELDOUT_SENTENCES if held else SENTENCES)
            n, made = add_clips(files, out, split, source, source, budget, make)
            print(f'corpus: {source:7s} {split:8s} {n:4d} files {made:7.1f} s', flush=True)
    if extra_minutes > 0:
        build_extra(out, extra_minutes, seed, files)
    summary = {'sampleRate': SR, 'seed': seed, 'files': files}
    for split in ('train', 'heldout'):
        summary[f'{split}Seconds'] = round(sum(f['seconds'] for f in files if f['split'] == split), 2)
    with open(os.path.join(out, 'corpus.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    print(f"corpus: {summary['trainSeconds']:.0f} s train, {summary['heldoutSeconds']:.0f} s held out -> {out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default='training/runs/corpus')
    ap.add_argument('--minutes', type=float, default=16.0, help='total audio, all sources and splits')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--sources', default='sox,espeak,plant')
    ap.add_argument('--extra-train-minutes', type=float, default=0.0,
                    help='more training-only audio (espeak with other voices and sentences, plant); '
                         'the main train and held-out files stay as without it')
    args = ap.parse_args()
    for tool in ('sox', 'espeak-ng'):
        if shutil.which(tool) is None:
            sys.exit(f'MB_ERR_TOOL_MISSING: {tool} not found; run ./scripts/setup.sh')
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    build(args.out, args.minutes, args.seed, args.sources.split(','), args.extra_train_minutes)


if __name__ == '__main__':
    main()
