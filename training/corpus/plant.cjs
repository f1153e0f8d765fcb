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

/** Mulberry32: small seeded PRNG so the corpus is reproducible. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dist = path.resolve(arg('dist', 'dist'));
const { renderMelody } = require(path.join(dist, 'src', 'synth'));
const { writeWav } = require(path.join(dist, 'src', 'audio', 'wav'));
const out = arg('out', '.');
const prefix = arg('prefix', 'plant');
const count = Number(arg('count', '10'));
const sampleRate = Number(arg('sr', '16000'));
const random = rng(Number(arg('seed', '1')));

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
