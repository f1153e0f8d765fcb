import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TORCH_PYTHON, hasTorch } from '../src/core/tools';
import { defaultModelsDir, packageRoot } from '../src/core/paths';
import { loadManifest, OnnxModel } from '../src/models';
import { MirrorMelody } from '../src/mirror/melody';
import { MirrorStreamProcessor } from '../src/mirror/stream';
import { renderMelody } from '../src/synth';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function melodyClip(): Float32Array {
  const rows = [0, 2, 4, 5, 7].map((n, i) => [n / 12, 0.8, 0.8, 0.3 + 0.06 * i, 0.25, 0.3, 0.4]);
  return renderMelody(rows, { sampleRate: 8000 });
}

/** PyTorch timing of the same encoder (training/mirrornet/bench_torch.py), or why it was skipped. */
function torchMs(dir: string, runs: number): { ms?: number; skipped?: string } {
  if (!existsSync(join(dir, 'torch', 'encoder.pt'))) return { skipped: `no PyTorch weights in ${dir}/torch` };
  if (!hasTorch()) return { skipped: `${TORCH_PYTHON} has no torch (run ./scripts/setup.sh)` };
  const r = spawnSync(TORCH_PYTHON, ['-m', 'training.mirrornet.bench_torch', '--model', dir, '--runs', String(runs)], { cwd: packageRoot(), encoding: 'utf8' });
  if (r.status !== 0) return { skipped: `bench_torch failed: ${(r.stderr || '').trim().split('\n').pop()}` };
  return { ms: Number(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}').encoderMs) };
}

/**
 * MirrorNet speed on one core (onnxruntime intra-op threads = 1):
 * - melody inference, audio to parameters with features included, per 2-s clip (target <= 12 ms),
 *   and the encoder alone in onnxruntime-node against PyTorch on the same weights;
 * - the live inferer: compute per 8-ms hop (target <= 0.5 ms) and its algorithmic latency;
 * - plant-in-the-loop refinement (infer/resynth --refine): time per pass per 2-s clip.
 */
export async function benchMirror(): Promise<Record<string, unknown>> {
  const models = defaultModelsDir();
  const result: Record<string, unknown> = {};
  const melodyDir = join(models, 'mirrornet-melody');
  if (existsSync(melodyDir)) {
    const mirror = await MirrorMelody.load(melodyDir);
    const clip = melodyClip();
    const total: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t = performance.now();
      await mirror.inferParams(clip, 8000);
      total.push(performance.now() - t);
    }
    const spec = (await import('../src/dsp/auditory')).auditorySpectrogram(clip, { sampleRate: 8000 });
    const enc: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t = performance.now();
      await mirror.encode([spec]);
      enc.push(performance.now() - t);
    }
    // plant-in-the-loop refinement (--refine): time per pass for one 2-s clip
    const refineRuns: number[] = [];
    let renders = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const r = await mirror.inferParams(clip, 8000, { refine: 4 });
      refineRuns.push((performance.now() - t) / 4);
      renders = r.refinement ? 4 : 0;
    }
    refineRuns.sort((a, b) => a - b);
    await mirror.dispose();
    total.sort((a, b) => a - b);
    enc.sort((a, b) => a - b);
    const torch = torchMs(melodyDir, 60);
    result.melody = {
      clipSeconds: 2,
      audioToParamsMsMedian: Number(percentile(total, 0.5).toFixed(3)),
      audioToParamsMsP90: Number(percentile(total, 0.9).toFixed(3)),
      targetMs: 12,
      encoderOrtMsMedian: Number(percentile(enc, 0.5).toFixed(3)),
      encoderTorchMsMedian: torch.ms !== undefined ? Number(torch.ms.toFixed(3)) : null,
      torchSkipped: torch.skipped,
      ortOverTorchSpeedup: torch.ms !== undefined ? Number((torch.ms / percentile(enc, 0.5)).toFixed(2)) : null,
      refineMsPerPassMedian: Number(percentile(refineRuns, 0.5).toFixed(1)),
      refinePasses: renders,
    };
  } else result.melody = { skipped: `no model at ${melodyDir}` };

  const streamDir = join(models, 'mirrornet-stream');
  if (existsSync(streamDir)) {
    const model = await OnnxModel.load(streamDir, await loadManifest(streamDir));
    const rows: Record<string, unknown>[] = [];
    for (const [sampleRate, chunkFrames] of [[8000, 1], [8000, 4], [16000, 4], [48000, 4]] as const) {
      const proc = await MirrorStreamProcessor.create(model, sampleRate, { chunkFrames });
      const hop = sampleRate / 125;
      const block = new Float32Array(hop);
      const audio = melodyClip();
      let frames = 0;
      const t = performance.now();
      for (let k = 0; k < 500; k++) {
        for (let i = 0; i < hop; i++) block[i] = audio[(k * hop + i) % audio.length];
        frames += (await proc.process(block)).length;
      }
      const ms = performance.now() - t;
      rows.push({ sampleRate, chunkFrames, msPerHop: Number((ms / 500).toFixed(4)), targetMsPerHop: 0.5, frames, latencyMs: Number(proc.latencyMs.toFixed(1)) });
    }
    await model.dispose();
    result.stream = rows;
  } else result.stream = { skipped: `no model at ${streamDir}` };
  console.log(JSON.stringify(result.melody));
  if (Array.isArray(result.stream)) console.table(result.stream);
  return result;
}
