#!/usr/bin/env node
/*
 * Renders plant melodies (src/synth renderMelody) with random normalized parameters to
 * 16-bit WAVs for the VQ-VAE corpus. Called by training/corpus/build.py with the folder of a
 * compiled copy of the project (--dist); prints one written path per line.
 */
const path = require('node:path');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const dist = path.resolve(arg('dist', 'dist'));
const { renderMelody } = require(path.join(dist, 'src', 'synth'));
const { writeWav } = require(path.join(dist, 'src', 'audio', 'wav'));
// The project's seeded generator, so the corpus is reproducible from --seed.
const { mulberry32 } = require(path.join(dist, 'src', 'core', 'random'));
const out = arg('out', '.');
const prefix = arg('prefix', 'plant');
const count = Number(arg('count', '10'));
const sampleRate = Number(arg('sr', '16000'));
const random = mulberry32(Number(arg('seed', '1')));

for (let n = 0; n < count; n++) {
  const notes = 3 + Math.floor(random() * 4);
  const paramCount = random() < 0.5 ? 7 : 10;
  const params = [];
  for (let i = 0; i < notes; i++) {
    const row = [];
    for (let p = 0; p < paramCount; p++) row.push(random());
    params.push(row);
  }
  const audio = renderMelody(params, { sampleRate, totalSeconds: notes * (0.4 + random() * 0.5), notes, paramCount });
  const file = path.join(out, `${prefix}-${String(n).padStart(4, '0')}.wav`);
  writeWav(file, audio, sampleRate, { bitDepth: '16' });
  console.log(file);
}
