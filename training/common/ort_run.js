// Runs one ONNX graph with onnxruntime-node on a float32 file, for the PyTorch/ORT parity check.
// usage: node training/common/ort_run.js MODEL.onnx IN.f32 '[d0,d1,...]' OUT.f32
// Prints {"ok":true,"input":name,"output":name,"shape":[...]} on stdout.
'use strict';
const fs = require('node:fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, inFile, shapeJson, outFile] = process.argv.slice(2);
  if (!outFile) throw new Error('usage: ort_run.js MODEL.onnx IN.f32 SHAPE_JSON OUT.f32');
  const shape = JSON.parse(shapeJson);
  const bytes = fs.readFileSync(inFile);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  const result = await session.run({ [input]: new ort.Tensor('float32', data, shape) });
  const y = result[output];
  fs.writeFileSync(outFile, Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength));
  process.stdout.write(JSON.stringify({ ok: true, input, output, shape: y.dims }) + '\n');
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ ok: false, message: String(err && err.message ? err.message : err) }) + '\n');
  process.exitCode = 1;
});
