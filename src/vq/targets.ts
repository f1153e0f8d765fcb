import { MbError } from '../core/errors';
import type { Hz } from '../core/units';
import { DESCRIPTOR_NAMES, frameDescriptors, type DescriptorName } from '../dsp/descriptors';

/**
 * Descriptor targets for descriptor-based synthesis: one curve per descriptor, sampled at
 * the codec's frame rate.
 *
 * Curve syntax (`name=curve`), with u = 0..1 across the duration and t in seconds:
 *   const(v)                  v
 *   linear(a, b)              a + (b - a) u
 *   exp(a, b)                 a (b/a)^u          (exponential ramp; a, b > 0)
 *   log(a, b)                 a + (b - a) ln(1 + 9u) / ln 10   (fast start, slow end)
 *   sine(centre, depth, hz[, phaseDeg])   centre + depth sin(2 pi hz t + phase)
 *   bp(t0:v0, t1:v1, ...)     breakpoints, linear between, held before the first and after the last
 * A target can also be a reference sound's descriptor series (`targetsFromAudio`).
 * Empty, NaN or unknown-descriptor targets throw MB_ERR_BAD_TARGET.
 *
 * @example
 * const t = parseTarget('centroid=linear(800,2400)', 188, 62.5);
 * t.values[0]; // 800
 */
export interface Target {
  name: DescriptorName;
  values: Float32Array;
  /** Where it came from: the curve text or the reference file. */
  source: string;
}

const CURVE_RE = /^([a-z]+)\s*\((.*)\)$/;

function bad(message: string): MbError {
  return new MbError('MB_ERR_BAD_TARGET', message);
}

export function checkDescriptorName(name: string): DescriptorName {
  if (!(DESCRIPTOR_NAMES as readonly string[]).includes(name)) {
    throw bad(`unknown descriptor '${name}'; known: ${DESCRIPTOR_NAMES.join(', ')}`);
  }
  return name as DescriptorName;
}

function numbers(args: string[], curve: string, count: number | [number, number]): number[] {
  const [lo, hi] = typeof count === 'number' ? [count, count] : count;
  if (args.length < lo || args.length > hi) throw bad(`${curve}() takes ${lo === hi ? lo : `${lo}-${hi}`} numbers, got ${args.length}`);
  return args.map((a) => {
    const v = Number(a);
    if (a.trim() === '' || !Number.isFinite(v)) throw bad(`${curve}(): '${a}' is not a finite number`);
    return v;
  });
}

/** Samples a curve text at `frames` frames of 1/frameRate s. */
export function curveValues(curve: string, frames: number, frameRate: Hz): Float32Array {
  if (!Number.isInteger(frames) || frames < 1) throw bad(`a target needs at least one frame, got ${frames}`);
  const m = CURVE_RE.exec(curve.trim());
  if (!m) throw bad(`cannot parse curve '${curve}'; expected e.g. linear(800,2400)`);
  const [, kind, body] = m;
  const args = body.trim() === '' ? [] : body.split(',').map((s) => s.trim());
  const out = new Float32Array(frames);
  const u = (t: number) => (frames > 1 ? t / (frames - 1) : 0);
  switch (kind) {
    case 'const': {
      const [v] = numbers(args, kind, 1);
      out.fill(v);
      break;
    }
    case 'linear': {
      const [a, b] = numbers(args, kind, 2);
      for (let t = 0; t < frames; t++) out[t] = a + (b - a) * u(t);
      break;
    }
    case 'exp': {
      const [a, b] = numbers(args, kind, 2);
      if (!(a > 0 && b > 0)) throw bad(`exp(a, b) needs a, b > 0, got ${a}, ${b}`);
      for (let t = 0; t < frames; t++) out[t] = a * Math.pow(b / a, u(t));
      break;
    }
    case 'log': {
      const [a, b] = numbers(args, kind, 2);
      for (let t = 0; t < frames; t++) out[t] = a + ((b - a) * Math.log(1 + 9 * u(t))) / Math.LN10;
      break;
    }
    case 'sine': {
      const [c, depth, hz, phaseDeg = 0] = numbers(args, kind, [3, 4]);
      for (let t = 0; t < frames; t++) out[t] = c + depth * Math.sin(2 * Math.PI * hz * (t / frameRate) + (phaseDeg * Math.PI) / 180);
      break;
    }
    case 'bp':
    case 'breakpoints':
      breakpoints(args, out, frameRate);
      break;
    default:
      throw bad(`unknown curve '${kind}'; use const, linear, exp, log, sine or bp`);
  }
  return out;
}

function breakpoints(args: string[], out: Float32Array, frameRate: Hz): void {
  if (args.length === 0) throw bad('bp() needs at least one time:value pair');
  const points = args.map((a) => {
    const parts = a.split(':');
    if (parts.length !== 2) throw bad(`bp(): '${a}' is not time:value`);
    const [time, value] = numbers(parts, 'bp', 2);
    return { time, value };
  });
  for (let i = 1; i < points.length; i++) {
    if (!(points[i].time > points[i - 1].time)) throw bad('bp(): times must increase');
  }
  for (let t = 0; t < out.length; t++) {
    const s = t / frameRate;
    const j = points.findIndex((p) => p.time >= s);
    if (j === 0) out[t] = points[0].value;
    else if (j < 0) out[t] = points[points.length - 1].value;
    else {
      const a = points[j - 1];
      const b = points[j];
      out[t] = a.value + ((b.value - a.value) * (s - a.time)) / (b.time - a.time);
    }
  }
}

/** Parses `name=curve` into a target of `frames` frames. */
export function parseTarget(spec: string, frames: number, frameRate: Hz): Target {
  if (typeof spec !== 'string' || spec.trim() === '') throw bad('empty target; expected e.g. centroid=linear(800,2400)');
  const eq = spec.indexOf('=');
  if (eq < 0) throw bad(`target '${spec}' must be name=curve, e.g. centroid=linear(800,2400)`);
  const name = checkDescriptorName(spec.slice(0, eq).trim());
  return { name, values: curveValues(spec.slice(eq + 1), frames, frameRate), source: spec.trim() };
}

/** Checks targets given as arrays (OSC, API): known names, same non-zero length, finite values. */
export function checkTargets(targets: Target[]): number {
  if (!Array.isArray(targets) || targets.length === 0) throw bad('no target given');
  const frames = targets[0].values?.length ?? 0;
  const seen = new Set<string>();
  for (const t of targets) {
    checkDescriptorName(t.name);
    if (seen.has(t.name)) throw bad(`descriptor '${t.name}' is targeted twice`);
    seen.add(t.name);
    if (!t.values || t.values.length === 0) throw bad(`target '${t.name}' is empty`);
    if (t.values.length !== frames) throw bad(`targets differ in length (${frames} vs ${t.values.length} for ${t.name})`);
    const i = Array.prototype.findIndex.call(t.values, (v: number) => !Number.isFinite(v));
    if (i >= 0) throw bad(`target '${t.name}' has a non-finite value at frame ${i}`);
  }
  return frames;
}

/**
 * Targets from a reference sound: its descriptor series (src/dsp) at the codec's framing.
 * Frames where the reference is unvoiced keep the f0 of the nearest voiced frame.
 */
export function targetsFromAudio(
  audio: Float32Array,
  options: { sampleRate: Hz; frameLength: number; hop: number; names: DescriptorName[]; source?: string },
): Target[] {
  const d = frameDescriptors(audio, { sampleRate: options.sampleRate, frameLength: options.frameLength, hop: options.hop });
  if (d.frames === 0) throw bad(`reference audio is shorter than one frame (${options.frameLength} samples)`);
  return options.names.map((name) => {
    const values = Float32Array.from(d[checkDescriptorName(name)]);
    if (name === 'f0') fillUnvoiced(values, d.voicing);
    return { name, values, source: options.source ?? 'reference audio' };
  });
}

function fillUnvoiced(f0: Float32Array, voicing: Float32Array): void {
  const voiced = [...f0.keys()].filter((t) => f0[t] > 0 && voicing[t] >= 0.5);
  if (voiced.length === 0) throw bad('reference audio has no voiced frame to take an f0 target from');
  let j = 0;
  for (let t = 0; t < f0.length; t++) {
    while (j + 1 < voiced.length && Math.abs(voiced[j + 1] - t) <= Math.abs(voiced[j] - t)) j++;
    f0[t] = f0[voiced[j]];
  }
}
