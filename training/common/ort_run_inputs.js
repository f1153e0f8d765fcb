// Runs one ONNX graph with onnxruntime-node on one or more float32 inputs, for parity checks of
// graphs with several inputs (ort_run.js takes one).
// usage: node training/common/ort_run_inputs.js MODEL.onnx OUT.f32 NAME=IN.f32:'[d0,d1,...]' ...
// Prints {"ok":true,"output":name,"shape":[...]} on stdout (the first output is written).
'use strict';
const fs = require('node:fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, outFile, ...specs] = process.argv.slice(2);
  if (!outFile || specs.length === 0) throw new Error("usage: ort_run_inputs.js MODEL.onnx OUT.f32 NAME=IN.f32:'[shape]' ...");
  const feeds = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const colon = spec.indexOf(':', eq);
    const name = spec.slice(0, eq);
    const bytes = fs.readFileSync(spec.slice(eq + 1, colon));
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    feeds[name] = new ort.Tensor('float32', data, JSON.parse(spec.slice(colon + 1)));
  }
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const output = session.outputNames[0];
  const y = (await session.run(feeds))[output];
  fs.writeFileSync(outFile, Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength));
  process.stdout.write(JSON.stringify({ ok: true, output, shape: y.dims }) + '\n');
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ ok: false, message: String(err && err.message ? err.message : err) }) + '\n');
  process.exitCode = 1;
});
