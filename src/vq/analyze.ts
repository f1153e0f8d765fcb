import { DESCRIPTOR_NAMES, FrameDescriber, emptyDescriptorFrame } from '../dsp/descriptors';
import { FIGURE_SCHEME, type FigureSpec } from '../core/figure';
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
 * The codebook's PCA projection as a figure: each code a dot on the first two principal
 * components (axes say the share of variance each explains), coloured by its spectral centroid
 * on a log colour bar in Hz that spans the 2nd to 98th percentile (a few rumble codes clamp
 * at its low end rather than squash it).
 *
 * @example
 * await writeFigure('docs/img/vq-codebook-pca.png', codebookSpec(table));
 */
export function codebookSpec(table: DescriptorTableFile, size = 480): FigureSpec {
  if (!table.pca) throw new Error('descriptor table has no PCA projection');
  const pca = table.pca;
  const j = table.names.indexOf('centroid');
  const centroids = table.values.map((row) => Math.max(1, row[j]));
  const sorted = [...centroids].sort((a, b) => a - b);
  const domain = [sorted[Math.floor(0.02 * (sorted.length - 1))], sorted[Math.ceil(0.98 * (sorted.length - 1))]].map((v) => Math.round(v));
  const values = pca.points.map(([x, y], code) => ({ code, x, y, centroid: Math.round(centroids[code]) }));
  const pct = (e: number) => `${(100 * e).toFixed(0)} % of the variance`;
  return {
    title: { text: `Codebook of ${table.model}: ${values.length} codes`, subtitle: 'PCA of the code latents, coloured by the spectral centroid of each decoded code' },
    width: size,
    height: size,
    data: { values },
    mark: { type: 'circle', size: 36, opacity: 0.9 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: `principal component 1 (${pct(pca.explained[0])})`, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: `principal component 2 (${pct(pca.explained[1])})`, scale: { zero: false } },
      color: { field: 'centroid', type: 'quantitative', title: 'centroid (Hz)', scale: { type: 'log', scheme: FIGURE_SCHEME, domain, clamp: true } },
    },
  } as unknown as FigureSpec;
}
