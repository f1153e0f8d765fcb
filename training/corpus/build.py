"""Builds the VQ-VAE timbre corpus from sources that need no download.

Sources:
  sox     synth voices: sine, saw, square, triangle, filtered noise, with envelopes,
          tremolo and linear/exponential glides;
  espeak  espeak-ng voices speaking sentences and sustaining vowels, pitch-shifted by sox
          to several registers (vocal sketches);
  plant   the TypeScript plant (src/synth renderMelody) with random parameters, rendered by
          training/corpus/plant.cjs from a private tsc build of src/synth in a temporary folder;
  sampled sampled instruments (piano, e-piano, organ, guitar, violin/strings, flute, brass, lead)
          from MIDI written here, rendered by fluidsynth (training/corpus/sampled.py): TimGM6mb
          or OPL-3 in train and dev, FluidR3_GM only in test. Its budget is twice a plain
          source's (SOURCE_WEIGHT), so each split holds every family several times.

Splits, disjoint by construction:
  train   what the model learns from;
  dev     for design choices (the figures printed while training, the export's checks);
  test    reported figures only, touched once per release.
Every file is generated from its own random generator, seeded by a key that names the file
(builder version, --seed, split, file name), so no file shares a generator with a file of
another split, and a file does not change when --minutes or --extra-train-minutes change (a
larger build only adds files). espeak-ng voices and sentences are disjoint between the three
splits, and so are the soundfonts of the sampled clips (test: FluidR3_GM only); the sox,
plant and sampled sources draw continuous parameters. After the build every file's
audio is hashed (sha256 of its samples, in corpus.json) and the build stops with a coded error
if a dev or test file's audio or key also appears in train (or dev in test): `--check DIR`
runs that check alone.

Reproducible: sox runs with -R (fixed dither seed), noise comes from numpy seeded by the file's
key, espeak-ng, fluidsynth and the plant are deterministic; the same command gives byte-identical files
and corpus.json (tests/training/corpus.test.ts).

Output: <out>/{train,dev,test}/<source>-<n>.wav, 16 kHz mono 16-bit, and <out>/corpus.json
listing every file with its source, split, duration, key and sha256. `--out` may be anywhere;
an existing folder is replaced only when it is empty or a corpus (has corpus.json). Failures
stop with an MB_ERR_* code, nothing is skipped.

Usage:
  /usr/bin/python3 -m training.corpus.build --out training/runs/corpus --minutes 16 --seed 1
  (--sources sox,espeak,plant,sampled is the default)
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import wave

import numpy as np

from training.corpus import sampled as sampled_source

SR = 16000
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
# Part of every file's key: a builder whose generation changes gets a new version, so its
# files never share a key with an older build's.
BUILDER = 'mb-corpus-2'
SPLITS = ('train', 'dev', 'test')
SHARES = (('train', 0.8), ('dev', 0.1), ('test', 0.1))
SOURCES = ('sox', 'espeak', 'plant', 'sampled')
# Share of the --minutes budget, relative to a plain source.
SOURCE_WEIGHT = {'sox': 1.0, 'espeak': 1.0, 'plant': 1.0, 'sampled': 2.0}
PARTIAL = '.partial-corpus'

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
# The development split keeps the voices and sentences of the old held-out split (builder 1),
# on which the shipped model's design choices were made.
DEV_SENTENCES = [
    'a gentle breeze carries the echo of distant bells',
    'pack my box with five dozen liquor jugs',
]
# The test split's voices and sentences appear in no other split and in no earlier build.
TEST_SENTENCES = [
    'the lighthouse keeper waves a lantern at the passing ship',
    'grey clouds gather slowly over the quiet harbour',
    'old records crackle warmly on the turntable',
]
VOWELS = ['aaaaaaaa', 'eeeeeeee', 'iiiiiiii', 'oooooooo', 'uuuuuuuu', 'mmmmmmmm', 'aaaooouuu', 'iiieeeaaa']
TRAIN_VOICES = ['en+m1', 'en+m3', 'en+f1', 'en+f3', 'en+klatt', 'en-us+m2', 'fr+f2', 'de+m4', 'es+f5', 'it+m6']
DEV_VOICES = ['en+f4', 'en-us+m7']
TEST_VOICES = ['en+linda', 'en+david', 'en-us+belinda']
# --extra-train-minutes: more voices and sentences for training only (the dev and test voices
# and sentences stay unseen).
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
ESPEAK = {'train': (TRAIN_VOICES, SENTENCES), 'dev': (DEV_VOICES, DEV_SENTENCES),
          'test': (TEST_VOICES, TEST_SENTENCES)}
EXTRA_ESPEAK = (EXTRA_VOICES + TRAIN_VOICES, EXTRA_SENTENCES + SENTENCES)


class CorpusError(Exception):
    """A coded failure (code is an MB_ERR_* string); main() prints it and exits 1."""

    def __init__(self, code: str, message: str):
        super().__init__(f'{code}: {message}')
        self.code = code


def run(cmd):
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        raise CorpusError('MB_ERR_INTERNAL', f'{" ".join(cmd[:3])} ... failed ({res.returncode}): {res.stderr.strip()[:400]}')


def sox(*args):
    """sox in repeatable mode (-R): dither and any other randomness of sox get a fixed seed."""
    run(['sox', '-R', *args])


def file_key(seed: int, split: str, name: str) -> str:
    """The key that seeds one file's generator; it names the builder, the seed, the split and
    the file, so files of different splits never share a generator."""
    return f'{BUILDER}/seed={seed}/split={split}/{name}'


def file_rng(key: str) -> random.Random:
    # A str seed is hashed with SHA-512 (random.seed version 2): the same on every run and
    # platform, independent of PYTHONHASHSEED.
    return random.Random(key)


def duration_of(path):
    with wave.open(path, 'rb') as w:
        return w.getnframes() / w.getframerate()


def audio_sha256(path: str) -> str:
    """sha256 of a WAV's sample data (not its header)."""
    with wave.open(path, 'rb') as w:
        return hashlib.sha256(w.readframes(w.getnframes())).hexdigest()


def noise(rng: random.Random, colour: str, samples: int) -> np.ndarray:
    """White (uniform, full scale, as sox's whitenoise), pink (1/f power) or brown (1/f^2 power,
    nothing under 20 Hz) noise from a numpy generator seeded from the file's own generator."""
    g = np.random.default_rng(rng.getrandbits(64))
    if colour == 'whitenoise':
        return g.uniform(-1.0, 1.0, samples).astype('<f4')
    spec = np.fft.rfft(g.standard_normal(samples))
    f = np.fft.rfftfreq(samples, 1.0 / SR)
    shape = np.zeros_like(f)
    keep = f >= 20.0
    shape[keep] = f[keep] ** (-0.5 if colour == 'pinknoise' else -1.0)
    x = np.fft.irfft(spec * shape, samples)
    return (x / max(1e-12, float(np.abs(x).max()))).astype('<f4')


def sox_voice(rng, path):
    """One sox synth clip: 1-3 notes of a random waveform with envelope and optional glide."""
    parts = []
    for i in range(rng.randint(1, 3)):
        kind = rng.choice(['sine', 'sawtooth', 'square', 'triangle', 'noise', 'sawtooth', 'square'])
        dur = rng.uniform(0.6, 2.0)
        f0 = 55 * 2 ** rng.uniform(0, 4.5)
        seg = f'{path}.seg{i}.wav'
        raw = None
        if kind == 'noise':
            colour = rng.choice(['whitenoise', 'pinknoise', 'brownnoise'])
            centre = 200 * 2 ** rng.uniform(0, 5)
            effects = ['sinc', '-n', '255', f'{centre / 1.5:.0f}-{min(centre * 1.5, 7800):.0f}'] if rng.random() < 0.7 else []
            raw = f'{path}.seg{i}.f32'
            noise(rng, colour, int(round(float(f'{dur:.3f}') * SR))).tofile(raw)
            src = ['-t', 'raw', '-e', 'floating-point', '-b', '32', '-r', str(SR), '-c', '1', raw]
            gen = effects
        else:
            glide = rng.random()
            if glide < 0.35:
                f1 = f0 * 2 ** rng.uniform(-1, 1)
                freq = f'{f0:.1f}{rng.choice([":", "/"])}{f1:.1f}'
            else:
                freq = f'{f0:.1f}'
            src = ['-n']
            gen = ['synth', f'{dur:.3f}', kind, freq]
            if rng.random() < 0.5:
                gen += ['lowpass', f'{f0 * rng.uniform(2, 12):.0f}']
        fade_in = rng.uniform(0.005, min(0.3, dur / 3))
        fade_out = rng.uniform(0.02, min(0.5, dur / 2))
        env = ['fade', 'q', f'{fade_in:.3f}', f'{dur:.3f}', f'{fade_out:.3f}']
        if rng.random() < 0.3:
            env += ['tremolo', f'{rng.uniform(2, 8):.1f}', f'{rng.uniform(20, 70):.0f}']
        vol = ['vol', f'{rng.uniform(0.1, 0.8):.3f}']
        sox(*src, '-r', str(SR), '-c', '1', '-b', '16', seg, *gen, *env, *vol, 'pad', '0', f'{rng.uniform(0, 0.2):.3f}')
        if raw:
            os.remove(raw)
        parts.append(seg)
    sox(*parts, path)
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
    sox(tmp, '-r', str(SR), '-c', '1', '-b', '16', path, *effects, 'rate', str(SR), 'norm', f'{rng.uniform(-18, -3):.1f}')
    os.remove(tmp)


def plant_params(rng) -> dict:
    """A random plant melody: 3-6 notes, 7 or 10 normalized parameters each, 0.4-0.9 s a note."""
    notes = rng.randint(3, 6)
    count = 7 if rng.random() < 0.5 else 10
    params = [[rng.random() for _ in range(count)] for _ in range(notes)]
    return {'notes': notes, 'paramCount': count, 'params': params, 'totalSeconds': notes * (0.4 + rng.random() * 0.5)}


class PlantRenderer:
    """src/synth compiled privately (tsc, only its import closure) into a temporary folder and
    run by plant.cjs with the repository's node_modules, wherever --out is."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='mb-corpus-plant-')
        dist = os.path.join(self.dir, 'dist')
        config = os.path.join(self.dir, 'tsconfig.json')
        with open(config, 'w') as f:
            json.dump({'extends': os.path.join(REPO, 'tsconfig.json'),
                       'compilerOptions': {'outDir': dist, 'rootDir': REPO, 'sourceMap': False,
                                           'typeRoots': [os.path.join(REPO, 'node_modules', '@types')]},
                       'files': [os.path.join(REPO, 'src', 'synth', 'index.ts'), os.path.join(REPO, 'src', 'audio', 'wav.ts')],
                       'include': []}, f)
        tsc = os.path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc')
        if not os.path.exists(tsc):
            self.close()
            raise CorpusError('MB_ERR_TOOL_MISSING', f'{tsc} not found; run npm ci (./scripts/setup.sh)')
        # tsc emits even when files have type errors; the check below decides.
        res = subprocess.run(['node', tsc, '-p', config], cwd=REPO, capture_output=True, text=True)
        self.dist = dist
        if not all(os.path.exists(os.path.join(dist, 'src', *p)) for p in (('synth', 'index.js'), ('audio', 'wav.js'))):
            self.close()
            raise CorpusError('MB_ERR_TOOL_MISSING', f'src/synth could not be compiled: {(res.stdout + res.stderr).strip()[:400]}')
        # What was compiled, for corpus.json: the plant's audio depends on the src/synth version.
        digest = hashlib.sha256()
        for root, _, names in sorted(os.walk(dist)):
            for name in sorted(names):
                path = os.path.join(root, name)
                digest.update(os.path.relpath(path, dist).encode() + b'\0')
                with open(path, 'rb') as f:
                    digest.update(f.read())
        self.code_sha256 = digest.hexdigest()

    def render(self, clips: list):
        """clips: [{'file': absolute path, 'params', 'notes', 'paramCount', 'totalSeconds'}]."""
        jobs = os.path.join(self.dir, 'jobs.json')
        with open(jobs, 'w') as f:
            json.dump({'sampleRate': SR, 'clips': clips}, f)
        env = dict(os.environ, NODE_PATH=os.path.join(REPO, 'node_modules'))
        res = subprocess.run(['node', os.path.join(REPO, 'training', 'corpus', 'plant.cjs'), '--dist', self.dist,
                              '--jobs', jobs], capture_output=True, text=True, env=env)
        missing = [c['file'] for c in clips if not os.path.exists(c['file'])]
        if res.returncode != 0 or missing:
            raise CorpusError('MB_ERR_INTERNAL', f'plant rendering failed ({res.returncode}, {len(missing)} files missing): '
                                                 f'{res.stderr.strip()[:400]}')

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def entry(out, path, source, split, key, extra=None):
    return {'file': os.path.relpath(path, out), 'source': source, 'split': split, 'seconds': duration_of(path),
            'key': key, 'sha256': audio_sha256(path), **(extra or {})}


def add_plant(files, out, seed, split, prefix, count, renderer):
    """`count` plant clips into <out>/<split>/<prefix>-NNNN.wav, listed in `files`."""
    clips, keys = [], []
    for n in range(count):
        name = f'{prefix}-{n:04d}'
        key = file_key(seed, split, name)
        clips.append({'file': os.path.join(out, split, name + '.wav'), **plant_params(file_rng(key))})
        keys.append(key)
    renderer.render(clips)
    for clip, key in zip(clips, keys):
        files.append(entry(out, clip['file'], 'plant', split, key))
    return count


def add_clips(files, out, seed, split, prefix, source, budget, make):
    """Clips made by make(rng, path, n) into <out>/<split>/<prefix>-NNNN.wav until `budget`
    seconds, each with its own generator; listed in `files` (with the dict make returns, if
    any); returns (count, seconds)."""
    made, n = 0.0, 0
    while made < budget:
        name = f'{prefix}-{n:04d}'
        key = file_key(seed, split, name)
        path = os.path.join(out, split, name + '.wav')
        extra = make(file_rng(key), path, n)
        files.append(entry(out, path, source, split, key, extra))
        made += files[-1]['seconds']
        n += 1
    return n, made


def tool_version(cmd):
    res = subprocess.run(cmd, capture_output=True, text=True)
    return (res.stdout or res.stderr).strip().split('\n')[0]


def build(out, minutes, seed, sources, extra_minutes=0.0, splits=SPLITS):
    """Builds `splits` (all by default; `npm run eval` builds only the test split, whose files are
    the same as in a full build: each file has its own generator)."""
    files = []
    per_weight = minutes * 60 / sum(SOURCE_WEIGHT[s] for s in sources)
    extra_minutes = extra_minutes if 'train' in splits else 0.0
    for split in splits:
        os.makedirs(os.path.join(out, split), exist_ok=True)
    renderer = PlantRenderer() if 'plant' in sources or extra_minutes > 0 else None
    try:
        for source in sources:
            for split, share in SHARES:
                if split not in splits:
                    continue
                budget = per_weight * SOURCE_WEIGHT[source] * share
                if source == 'plant':
                    n = add_plant(files, out, seed, split, 'plant', max(2, int(budget / 4)), renderer)
                    print(f'corpus: {source:7s} {split:8s} {n:4d} files', flush=True)
                    continue
                if source == 'sox':
                    make = lambda rng, path, n: sox_voice(rng, path)
                elif source == 'sampled':
                    make = lambda rng, path, n, s=split: sampled_source.sampled_voice(rng, path, s, n)
                else:
                    voices, sentences = ESPEAK[split]
                    make = lambda rng, path, n, v=voices, s=sentences: espeak_voice(rng, path, v, s)
                n, made = add_clips(files, out, seed, split, source, source, budget, make)
                print(f'corpus: {source:7s} {split:8s} {n:4d} files {made:7.1f} s', flush=True)
        if extra_minutes > 0:
            # Training-only files under their own names (espeakx, plantx, sampledx), so the other
            # files are those of the build without them.
            n, made = add_clips(files, out, seed, 'train', 'espeakx', 'espeak', extra_minutes * 60 * 0.5,
                                lambda rng, path, n: espeak_voice(rng, path, *EXTRA_ESPEAK))
            print(f'corpus: espeakx train    {n:4d} files {made:7.1f} s (extra)', flush=True)
            n = add_plant(files, out, seed, 'train', 'plantx', max(2, int(extra_minutes * 60 * 0.3 / 4)), renderer)
            print(f'corpus: plantx  train    {n:4d} files (extra)', flush=True)
            if 'sampled' in sources:
                n, made = add_clips(files, out, seed, 'train', 'sampledx', 'sampled', extra_minutes * 60 * 0.2,
                                    lambda rng, path, n: sampled_source.sampled_voice(rng, path, 'train', n))
                print(f'corpus: sampledx train   {n:4d} files {made:7.1f} s (extra)', flush=True)
    finally:
        if renderer is not None:
            renderer.close()
    summary = {'builder': BUILDER, 'sampleRate': SR, 'seed': seed, 'minutes': minutes,
               'extraTrainMinutes': extra_minutes, 'sources': list(sources), 'splits': list(splits),
               'tools': {'sox': tool_version(['sox', '--version']), 'espeak-ng': tool_version(['espeak-ng', '--version']),
                         **({'fluidsynth': tool_version(['fluidsynth', '--version']),
                             'soundfonts': sampled_source.SOUNDFONTS} if 'sampled' in sources else {})},
               'plantCodeSha256': renderer.code_sha256 if renderer is not None else None,
               'files': files}
    for split in splits:
        summary[f'{split}Seconds'] = round(sum(f['seconds'] for f in files if f['split'] == split), 2)
    with open(os.path.join(out, 'corpus.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    os.remove(os.path.join(out, PARTIAL))
    problems = check_splits(out)
    if problems:
        raise CorpusError('MB_ERR_INTERNAL', 'splits overlap: ' + '; '.join(problems[:5]))
    print('corpus: ' + ', '.join(f"{summary[f'{s}Seconds']:.0f} s {s}" for s in splits) + f' -> {out}')


def check_splits(out: str) -> list:
    """Problems (empty when none) with the corpus in `out`: a dev or test file whose audio
    (sha256 of its samples, recomputed from the file) or key also feeds train, a test file whose
    audio or key is also in dev, a key that does not name its own split and file, a listed
    hash that is not the file's, or espeak-ng voices / sentences shared between splits."""
    if not os.path.exists(os.path.join(out, 'corpus.json')):
        raise CorpusError('MB_ERR_NOT_FOUND', f'{out}/corpus.json not found')
    with open(os.path.join(out, 'corpus.json')) as f:
        meta = json.load(f)
    if meta.get('builder') != BUILDER:
        return [f'{out} was built by {meta.get("builder", "builder 1 (split heldout, one shared random stream)")}, '
                f'not {BUILDER}: its splits cannot be checked; rebuild it']
    problems = []
    hashes = {s: {} for s in SPLITS}
    keys = {s: {} for s in SPLITS}
    for e in meta['files']:
        split = e['split']
        if split not in SPLITS:
            problems.append(f'{e["file"]}: unknown split {split}')
            continue
        name = os.path.splitext(os.path.basename(e['file']))[0]
        if e['key'] != file_key(meta['seed'], split, name) or os.path.dirname(e['file']) != split:
            problems.append(f'{e["file"]}: key {e["key"]} does not name its split and file')
        digest = audio_sha256(os.path.join(out, e['file']))
        if digest != e['sha256']:
            problems.append(f'{e["file"]}: audio sha256 {digest[:12]} is not the listed {e["sha256"][:12]}')
        for table, value in ((hashes, digest), (keys, e['key'])):
            if value in table[split]:
                if table is keys:
                    problems.append(f'{e["file"]}: key also used by {table[split][value]}')
            table[split].setdefault(value, e['file'])
    for held, other in (('dev', 'train'), ('test', 'train'), ('test', 'dev')):
        for what, table in (('audio', hashes), ('key', keys)):
            for value, file in table[held].items():
                if value in table[other]:
                    problems.append(f'{file}: its {what} also feeds {other} ({table[other][value]})')
    for e in meta['files']:
        if e['source'] == 'sampled' and e.get('soundfont') not in sampled_source.SOUNDFONTS.get(e['split'], ()):
            problems.append(f'{e["file"]}: soundfont {e.get("soundfont")} may not feed split {e["split"]}')
    for held, other in (('dev', 'train'), ('test', 'train'), ('test', 'dev')):
        lists = {'train': (TRAIN_VOICES + EXTRA_VOICES, SENTENCES + EXTRA_SENTENCES)}
        lists.update({s: ESPEAK[s] for s in ('dev', 'test')})
        for what, a, b in (('voices', lists[held][0], lists[other][0]), ('sentences', lists[held][1], lists[other][1])):
            shared = sorted(set(a) & set(b))
            if shared:
                problems.append(f'espeak {what} {shared} are in both {held} and {other}')
    return problems


def prepare_out(out: str) -> str:
    """The absolute --out folder, emptied; refuses to delete a folder that is not a corpus."""
    out = os.path.abspath(out)
    if os.path.exists(out):
        if not os.path.isdir(out):
            raise CorpusError('MB_ERR_PATH', f'--out {out} is not a folder')
        if os.listdir(out) and not any(os.path.exists(os.path.join(out, m)) for m in ('corpus.json', PARTIAL)):
            raise CorpusError('MB_ERR_PATH', f'--out {out} is a folder with files but no corpus.json; '
                                             'refusing to replace it (choose an empty or new folder)')
        shutil.rmtree(out)
    try:
        os.makedirs(out)
        # Marks a build in progress (removed when corpus.json is written), so that the folder of
        # a failed build may be replaced by the next one.
        open(os.path.join(out, PARTIAL), 'w').close()
    except OSError as e:
        raise CorpusError('MB_ERR_PATH', f'cannot create --out {out}: {e.strerror}')
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default='training/runs/corpus')
    ap.add_argument('--minutes', type=float, default=16.0, help='total audio, all sources and splits')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--sources', default='sox,espeak,plant,sampled')
    ap.add_argument('--extra-train-minutes', type=float, default=0.0,
                    help='more training-only audio (espeak with other voices and sentences, plant); '
                         'the other files stay as without it')
    ap.add_argument('--splits', default=','.join(SPLITS),
                    help='build only these splits (their files are those of the full build)')
    ap.add_argument('--check', metavar='DIR', default=None,
                    help='only check the splits of the corpus in DIR (exit 1 with the problems)')
    args = ap.parse_args(argv)
    try:
        if args.check:
            problems = check_splits(args.check)
            if problems:
                raise CorpusError('MB_ERR_BAD_AUDIO', f'{len(problems)} problems: ' + '; '.join(problems[:10]))
            print(f'corpus: {args.check}: dev and test are disjoint from train (audio and keys), test from dev')
            return
        sources = args.sources.split(',')
        splits = tuple(s for s in SPLITS if s in args.splits.split(','))
        if not splits or any(s not in SPLITS for s in args.splits.split(',')):
            raise CorpusError('MB_ERR_BAD_ARGS', f'--splits: {args.splits!r}; choose from {",".join(SPLITS)}')
        unknown = [s for s in sources if s not in SOURCES]
        if unknown or not sources:
            raise CorpusError('MB_ERR_BAD_ARGS', f'--sources: unknown {unknown}; choose from {",".join(SOURCES)}')
        if args.minutes <= 0 or args.extra_train_minutes < 0:
            raise CorpusError('MB_ERR_BAD_ARGS', '--minutes must be > 0 and --extra-train-minutes >= 0')
        need = ['sox'] + (['espeak-ng'] if 'espeak' in sources or args.extra_train_minutes > 0 else []) \
            + (['node'] if 'plant' in sources or args.extra_train_minutes > 0 else []) \
            + (['fluidsynth'] if 'sampled' in sources else [])
        for tool in need:
            if shutil.which(tool) is None:
                raise CorpusError('MB_ERR_TOOL_MISSING', f'{tool} not found; run ./scripts/setup.sh')
        if 'sampled' in sources and sampled_source.missing_soundfonts():
            raise CorpusError('MB_ERR_TOOL_MISSING', f'soundfonts {sampled_source.missing_soundfonts()} not found in '
                                                     f'{sampled_source.SF2_DIR}; run ./scripts/setup.sh')
        out = prepare_out(args.out)
        build(out, args.minutes, args.seed, sources, args.extra_train_minutes, splits)
    except (CorpusError, sampled_source.SampledError) as e:
        sys.exit(f'corpus: {e}')


if __name__ == '__main__':
    main()
