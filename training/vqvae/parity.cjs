#!/usr/bin/env node
/*
 * Parity check for the VQ-VAE export: runs the fixture written by export.py (inputs and
 * PyTorch outputs of every graph) through onnxruntime-node and compares.
 * Float outputs: max abs error <= 1e-4 x max(1, largest |value| of the tensor) (the harmonic
 * decoder's envelopes are magnitudes of an unnormalized 1024-point FFT, in the hundreds), or
 * the graph's own `tolerance` from the fixture (encoder graphs with int8 blocks: export.py).
 * Code indices: all equal.
 * Usage: node training/vqvae/parity.cjs <model dir> <fixture.json>
 */
const fs = require('node:fs');
const path = require('node:path');
const ort = require('onnxruntime-node');

const TOLERANCE = 1e-4;

function tensor(t) {
  const data = t.dtype === 'int64' ? BigInt64Array.from(t.data.map((v) => BigInt(v))) : Float32Array.from(t.data);
  return new ort.Tensor(t.dtype, data, t.shape);
}

async function main() {
  const [dir, fixturePath] = process.argv.slice(2);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, `${path.basename(path.resolve(dir))}.json`), 'utf8'));
  const fixture = JSON.parse(fs.readFileSync(fixturePath, 'utf8'));
  let failed = false;
  for (const [graph, spec] of Object.entries(manifest.graphs)) {
    const session = await ort.InferenceSession.create(path.join(dir, spec.file), { intraOpNumThreads: 1 });
    const io = fixture.graphs[graph];
    const feeds = Object.fromEntries(Object.entries(io.inputs).map(([name, t]) => [name, tensor(t)]));
    const got = await session.run(feeds);
    for (const [name, want] of Object.entries(io.outputs)) {
      const out = got[name];
      if (out.dims.join(',') !== want.shape.join(',')) {
        console.error(`parity: ${graph}.${name} shape [${out.dims}] vs PyTorch [${want.shape}]`);
        failed = true;
        continue;
      }
      if (want.dtype === 'int64') {
        const mismatches = want.data.filter((v, i) => BigInt(v) !== out.data[i]).length;
        console.log(`parity: ${graph}.${name}: ${mismatches} of ${want.data.length} indices differ`);
        if (mismatches > 0) failed = true;
      } else {
        let maxErr = 0;
        let scale = 1;
        want.data.forEach((v, i) => {
          maxErr = Math.max(maxErr, Math.abs(v - out.data[i]));
          scale = Math.max(scale, Math.abs(v));
        });
        const tol = (io.tolerance ?? TOLERANCE) * scale;
        console.log(`parity: ${graph}.${name}: max abs error ${maxErr.toExponential(2)} (tolerance ${tol.toExponential(2)}, largest value ${scale.toExponential(2)})`);
        if (!(maxErr <= tol)) failed = true;
      }
    }
    await session.release();
  }
  console.log(failed ? 'parity: FAILED' : 'parity: ok');
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(`parity: ${err.message}`);
  process.exit(1);
});
