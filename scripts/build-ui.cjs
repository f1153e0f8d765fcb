#!/usr/bin/env node
/**
 * Builds the browser page (ui/) into dist/ui with esbuild: main.js (+ main.css from uPlot),
 * the stream worker (the WebSocket and the audio's hot path), the AudioWorklet modules (the
 * microphone capture, the plant synth bundled from src/synth, the player of returned audio),
 * index.html and style.css. Prints each file's size and the gzip total, and fails
 * when the gzip total passes the 500 kB budget (issue 22).
 *
 *   node scripts/build-ui.cjs [OUT_DIR]     (npm run build runs it after tsc; OUT_DIR default dist/ui)
 */
const { build } = require('esbuild');
const { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const path = require('node:path');
const { gzipSync } = require('node:zlib');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist', 'ui'));
const BUDGET_GZIP = 500 * 1024;

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const common = {
    absWorkingDir: ROOT,
    outdir: OUT,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    // osc.js's package entry is its Node build (sockets); the page needs only its codec.
    alias: { osc: 'osc/src/osc.js' },
    // osc.js requires 'long' only under Node.
    external: ['long'],
    logLevel: 'warning',
    legalComments: 'none',
  };
  await build({ ...common, entryPoints: { main: 'ui/main.ts', 'capture-worklet': 'ui/worklets/capture.ts', 'synth-worklet': 'ui/worklets/synth.ts', 'return-worklet': 'ui/worklets/return.ts' } });
  // osc.js takes a CommonJS scope without `window` for Node; in the worker, `window` is `self`.
  await build({ ...common, entryPoints: { 'stream-worker': 'ui/stream-worker.ts' }, define: { window: 'self' } });
  for (const f of ['index.html', 'style.css']) copyFileSync(path.join(ROOT, 'ui', f), path.join(OUT, f));
  let raw = 0;
  let gz = 0;
  for (const f of readdirSync(OUT).sort()) {
    const bytes = readFileSync(path.join(OUT, f));
    const g = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += g;
    console.log(`  ${f.padEnd(20)} ${(bytes.length / 1024).toFixed(1).padStart(7)} kB  gzip ${(g / 1024).toFixed(1).padStart(6)} kB`);
  }
  console.log(`build-ui: ${(raw / 1024).toFixed(1)} kB, gzip ${(gz / 1024).toFixed(1)} kB (budget ${BUDGET_GZIP / 1024} kB)`);
  if (gz > BUDGET_GZIP) throw new Error(`the page's bundle is ${(gz / 1024).toFixed(1)} kB gzip, over the ${BUDGET_GZIP / 1024} kB budget`);
}

main().catch((err) => {
  console.error(`build-ui: ${err.message}`);
  process.exit(1);
});
