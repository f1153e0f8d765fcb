import { PNG } from 'pngjs';
import { DESCRIPTOR_NAMES, FrameDescriber, emptyDescriptorFrame } from '../dsp/descriptors';
import { colourOf } from '../dsp/picture';
import type { DescriptorTableFile } from './descriptor-table';
import type { VqModel } from './model';
import { overlapAddSegments } from './synthesis/modes';

/** Frames of a steady run of one code; the middle ones are fully overlapped. */
const RUN_FRAMES = 10;

/**
 * Codebook analysis: decodes every code at unit gain as a steady run of RUN_FRAMES frames
 * through the same overlap-add as `decode` (the model's synthesis), describes the fully overlapped
 * frames with src/dsp (FrameDescriber: loudness, centroid, bandwidth, flatness, rolloff, f0,
 * voicing) and keeps each descriptor's median. Also projects the codebook to 2-D by PCA.
 *
 * @example
 * const table = await analyzeCodebook(model);
 * await fs.writeFile('models/vqvae-timbre/descriptors.json', JSON.stringify(table));
 */
export async function analyzeCodebook(model: VqModel): Promise<DescriptorTableFile> {
  const g = model.geometry;
  const k = g.codes;
  // Models that carry pitch: each code at its typical pitch (what a series without f0 plays).
  const codePitch = Float32Array.from({ length: k }, (_, code) => model.pitchOfCode(code));
  const segments = await model.decodeLatents(model.codebook, new Float32Array(k).fill(1), k, codePitch);
  const describer = new FrameDescriber({ sampleRate: g.sampleRate, frameLength: g.frameLength, hop: g.hop });
  const run = new Float32Array(RUN_FRAMES * g.segmentLength);
  // Fully overlapped frames: every output sample they cover received all frameLength/hop windows.
  const first = Math.ceil((g.frameLength - g.hop) / g.hop);
  const last = RUN_FRAMES - Math.ceil(g.frameLength / g.hop);
  const values: number[][] = [];
  const frame = emptyDescriptorFrame();
  for (let code = 0; code < k; code++) {
    const seg = segments.subarray(code * g.segmentLength, (code + 1) * g.segmentLength);
    for (let r = 0; r < RUN_FRAMES; r++) run.set(seg, r * g.segmentLength);
    const pitch = g.pitch ? { f0: new Float32Array(RUN_FRAMES).fill(codePitch[code]), sampleRate: g.sampleRate } : undefined;
    const audio = overlapAddSegments(run, RUN_FRAMES, g.frameLength, g.hop, g.segmentLength, g.synthesis, pitch);
    const perName: number[][] = DESCRIPTOR_NAMES.map(() => []);
    for (let t = first; t <= last; t++) {
      describer.describe(audio, frame, t * g.hop);
      DESCRIPTOR_NAMES.forEach((name, j) => perName[j].push(frame[name]));
    }
    values.push(perName.map((v) => round(median(v))));
  }
  return {
    model: model.name,
    sampleRate: g.sampleRate,
    frameLength: g.frameLength,
    hop: g.hop,
    method: `each code decoded at unit gain${g.pitch ? ' and its typical pitch' : ''} as a steady run of ${RUN_FRAMES} frames (${g.synthesis}-overlap-add), ` +
      `median of src/dsp frame descriptors over frames ${first}..${last}`,
    names: [...DESCRIPTOR_NAMES],
    values,
    pca: pca2(model.codebook, g.latentDim),
  };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v * 100) / 100 : Number(v.toPrecision(5));
}

/**
 * The two leading principal components of the rows of `matrix` (power iteration with
 * deflation on the covariance): the projection of every row and the variance share of each.
 */
export function pca2(matrix: Float32Array, width: number): NonNullable<DescriptorTableFile['pca']> {
  const rows = matrix.length / width;
  const mean = new Float64Array(width);
  for (let r = 0; r < rows; r++) for (let i = 0; i < width; i++) mean[i] += matrix[r * width + i] / rows;
  const cov = new Float64Array(width * width);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < width; i++) {
      const a = matrix[r * width + i] - mean[i];
      for (let j = 0; j < width; j++) cov[i * width + j] += (a * (matrix[r * width + j] - mean[j])) / rows;
    }
  }
  let total = 0;
  for (let i = 0; i < width; i++) total += cov[i * width + i];
  const comps: Float64Array[] = [];
  const explained: number[] = [];
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(width).map((_, i) => 1 + i * 0.01);
    let lambda = 0;
    for (let it = 0; it < 200; it++) {
      const w = new Float64Array(width);
      for (let i = 0; i < width; i++) for (let j = 0; j < width; j++) w[i] += cov[i * width + j] * v[j];
      lambda = Math.hypot(...w);
      v = w.map((x) => x / (lambda || 1));
    }
    for (let i = 0; i < width; i++) for (let j = 0; j < width; j++) cov[i * width + j] -= lambda * v[i] * v[j];
    comps.push(v);
    explained.push(total > 0 ? Number((lambda / total).toFixed(4)) : 0);
  }
  const points: [number, number][] = [];
  for (let r = 0; r < rows; r++) {
    const p = comps.map((v) => {
      let s = 0;
      for (let i = 0; i < width; i++) s += (matrix[r * width + i] - mean[i]) * v[i];
      return Number(s.toFixed(4));
    });
    points.push([p[0], p[1]]);
  }
  return { points, explained: [explained[0], explained[1]] };
}

/**
 * Scatter picture of the codebook's PCA projection, each code a dot coloured by its
 * log-centroid (dark blue = low, yellow = high; the ramp spans the 2nd to 98th percentile and
 * clamps beyond), with the colour ramp as a strip below.
 *
 * @example
 * fs.writeFileSync('docs/img/vq-codebook-pca.png', codebookPng(table));
 */
export function codebookPng(table: DescriptorTableFile, size = 640): Buffer {
  if (!table.pca) throw new Error('descriptor table has no PCA projection');
  const j = table.names.indexOf('centroid');
  const logC = table.values.map((row) => Math.log2(Math.max(1, row[j])));
  // Colour range: 2nd to 98th percentile, so a few rumble codes do not squash the ramp.
  const sorted = [...logC].sort((a, b) => a - b);
  const [lo, hi] = [sorted[Math.floor(0.02 * (sorted.length - 1))], sorted[Math.ceil(0.98 * (sorted.length - 1))]];
  const xs = table.pca.points.map((p) => p[0]);
  const ys = table.pca.points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const margin = 20;
  const strip = 24;
  const png = new PNG({ width: size, height: size + strip });
  png.data.fill(255);
  const plot = (px: number, py: number, rgb: [number, number, number]) => {
    if (px < 0 || py < 0 || px >= png.width || py >= png.height) return;
    const o = (py * png.width + px) * 4;
    png.data[o] = rgb[0];
    png.data[o + 1] = rgb[1];
    png.data[o + 2] = rgb[2];
    png.data[o + 3] = 255;
  };
  const span = size - 2 * margin;
  table.pca.points.forEach(([x, y], k) => {
    const cx = Math.round(margin + ((x - x0) / (x1 - x0 || 1)) * span);
    const cy = Math.round(size - margin - ((y - y0) / (y1 - y0 || 1)) * span);
    const rgb = colourOf((logC[k] - lo) / (hi - lo || 1));
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) if (dx * dx + dy * dy <= 5) plot(cx + dx, cy + dy, rgb);
  });
  for (let px = margin; px < size - margin; px++) {
    const rgb = colourOf((px - margin) / span);
    for (let py = size + 4; py < size + strip - 4; py++) plot(px, py, rgb);
  }
  return PNG.sync.write(png);
}
