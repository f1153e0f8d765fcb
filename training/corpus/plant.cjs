#!/usr/bin/env node
/*
 * Renders plant melodies (src/synth renderMelody) to 16-bit WAVs for the VQ-VAE corpus. Called
 * by training/corpus/build.py with the folder of a private compiled copy of src/synth and
 * src/audio (--dist) and a jobs file (--jobs) that lists every clip with its parameters; the
 * parameters are drawn by build.py from each file's own seed, so this script has no randomness.
 *
 *   jobs file: {"sampleRate": 16000, "clips": [{"file": "/abs/path.wav", "params": [[...], ...],
 *               "notes": 4, "paramCount": 7, "totalSeconds": 2.4}, ...]}
 *
 * Prints one written path per line. Exits non-zero on the first failure.
 */
const fs = require('node:fs');
const path = require('node:path');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const dist = path.resolve(arg('dist', 'dist'));
const { renderMelody } = require(path.join(dist, 'src', 'synth'));
const { writeWav } = require(path.join(dist, 'src', 'audio', 'wav'));
const jobs = JSON.parse(fs.readFileSync(arg('jobs'), 'utf8'));
const sampleRate = Number(jobs.sampleRate);

for (const clip of jobs.clips) {
  const audio = renderMelody(clip.params, {
    sampleRate, totalSeconds: clip.totalSeconds, notes: clip.notes, paramCount: clip.paramCount,
  });
  writeWav(clip.file, audio, sampleRate, { bitDepth: '16' });
  console.log(clip.file);
}
