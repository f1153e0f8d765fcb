const ort = require('onnxruntime-node');
const { binding, initOrt } = require('onnxruntime-node/dist/binding');
initOrt();
const base = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
const variants = { base, noPattern: { ...base, enableMemPattern: false }, noArena: { ...base, enableCpuMemArena: false }, ext: { ...base, graphOptimizationLevel: 'extended' }, spinOff: { ...base, extra: { session: { intra_op: { allow_spinning: '0' } } } } };
const f = process.argv[2];
const ss = Object.entries(variants).map(([k, o]) => { const n = new binding.InferenceSession(); n.loadModel(f, o); return [k, n]; });
const feeds = { spectra: new ort.Tensor('float32', new Float32Array(513).map(() => Math.random() + 0.01), [1, 513]) };
const fetches = { codes: null, latents: null };
const med = (a) => a.sort((p, q) => p - q)[a.length >> 1];
console.log(ss.map(([k]) => k).join(' '));
for (let rep = 0; rep < 5; rep++) {
  const line = [];
  for (const [, s] of ss) { const t = []; for (let i = 0; i < 2000; i++) { const t0 = performance.now(); s.run(feeds, fetches, {}); t.push(performance.now() - t0); } line.push((med(t) * 1000).toFixed(1)); }
  console.log(line.join('  '));
}
