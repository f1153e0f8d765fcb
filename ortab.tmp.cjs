const ort = require('onnxruntime-node');
const { binding, initOrt } = require('onnxruntime-node/dist/binding');
(async () => {
  initOrt();
  const opts = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
  const files = process.argv.slice(2);
  const ss = files.map((f) => { const n = new binding.InferenceSession(); n.loadModel(f, opts); return n; });
  const feeds = { spectra: new ort.Tensor('float32', new Float32Array(513).map(() => Math.random() + 0.01), [1, 513]) };
  const fetches = { codes: null, latents: null };
  const med = (a) => a.sort((p, q) => p - q)[a.length >> 1];
  for (let rep = 0; rep < 5; rep++) {
    const line = [];
    for (let j = 0; j < ss.length; j++) { const t = []; for (let i = 0; i < 2000; i++) { const t0 = performance.now(); ss[j].run(feeds, fetches, {}); t.push(performance.now() - t0); } line.push((med(t) * 1000).toFixed(1)); }
    console.log(line.join('  '));
  }
  console.log(ss.map((s) => String(s.run(feeds, fetches, {}).codes.data)));
})();
