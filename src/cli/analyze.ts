import { MbError } from '../core/errors';
import { readWav } from '../audio/wav';
import { resample } from '../audio/resample';
import { auditorySpectrogram } from '../dsp/auditory';
import { melSpectrogram } from '../dsp/mel';
import { frameDescriptors, DESCRIPTOR_NAMES } from '../dsp/descriptors';
import { writeFigure, type FigureSpec } from '../core/figure';
import { descriptorsSpec, spectrogramSpec } from '../dsp/picture';
import { basename } from 'node:path';
import { numberOption, onePositional, parseCommandArgs, type Command } from './command';

/** A feature matrix in the CLI's common form: channel-major data plus channel names when they have them. */
export interface FeatureMatrix {
  feature: string;
  sampleRate: number;
  frameRate: number;
  channels: number;
  frames: number;
  data: Float32Array;
  channelNames?: string[];
}

const FEATURES = ['aud', 'mel', 'descriptors'] as const;
type Feature = (typeof FEATURES)[number];

/**
 * Computes one feature of a mono signal with the project's default settings.
 *
 * @example
 * const m = analyzeSignal(samples, 8000, 'aud'); // m.channels === 128
 */
export function analyzeSignal(x: Float32Array, sampleRate: number, feature: Feature, nMels = 64): FeatureMatrix {
  if (feature === 'aud') {
    const s = auditorySpectrogram(x, { sampleRate });
    return { feature, sampleRate, frameRate: 125, channels: s.channels, frames: s.frames, data: s.data };
  }
  if (feature === 'mel') {
    const nFft = sampleRate > 24000 ? 2048 : 1024;
    const hop = nFft / 4;
    const s = melSpectrogram(x, { sampleRate, nFft, hop, nMels, fmin: 0, fmax: sampleRate / 2 });
    return { feature, sampleRate, frameRate: sampleRate / hop, channels: s.channels, frames: s.frames, data: s.data };
  }
  const d = frameDescriptors(x, { sampleRate });
  const names = [...DESCRIPTOR_NAMES];
  const data = new Float32Array(names.length * d.frames);
  names.forEach((n, c) => data.set((d as unknown as Record<string, Float32Array>)[n], c * d.frames));
  return { feature, sampleRate, frameRate: 1 / d.hopSeconds, channels: names.length, frames: d.frames, data, channelNames: names };
}

/** The JSON the CLI prints: shape [channels, frames] and the frames, each a list of channel values. */
export function featureJson(m: FeatureMatrix, file: string): Record<string, unknown> {
  const frames: number[][] = [];
  for (let t = 0; t < m.frames; t++) {
    const row = new Array<number>(m.channels);
    for (let c = 0; c < m.channels; c++) row[c] = Number(m.data[c * m.frames + t].toPrecision(6));
    frames.push(row);
  }
  return { file, feature: m.feature, sampleRate: m.sampleRate, frameRate: m.frameRate, shape: [m.channels, m.frames], channelNames: m.channelNames, frames };
}

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'compute a feature of a WAV file (auditory spectrogram, log-mel, descriptors)',
  usage: 'mirrorbridge analyze x.wav --feature aud|mel|descriptors [--json] [--png spec.png] [--sr HZ] [--mels N]',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      feature: { type: 'string', default: 'aud' },
      json: { type: 'boolean' },
      png: { type: 'string' },
      sr: { type: 'string' },
      mels: { type: 'string' },
    });
    const feature = values.feature as Feature;
    if (!FEATURES.includes(feature)) throw new MbError('MB_ERR_BAD_ARGS', `--feature must be one of ${FEATURES.join('|')}, got '${values.feature}'`);
    const file = onePositional(positionals);
    const wav = readWav(file);
    const sr = numberOption('sr', values.sr, wav.sampleRate, 8000, 48000);
    const nMels = numberOption('mels', values.mels, 64, 8, 256);
    const x = sr === wav.sampleRate ? wav.samples : resample(wav.samples, wav.sampleRate, sr);
    const m = analyzeSignal(x, sr, feature, nMels);
    if (m.frames === 0) throw new MbError('MB_ERR_BAD_AUDIO', `${file} is too short for one ${feature} frame`);
    if (values.png) await writeFigure(values.png, featureSpec(m, basename(file)));
    if (values.json) process.stdout.write(`${JSON.stringify(featureJson(m, file))}\n`);
    else process.stdout.write(`${feature}: ${m.channels} channels x ${m.frames} frames at ${m.frameRate.toFixed(2)} frames/s\n`);
    return 0;
  },
};

/**
 * The picture of a feature: a spectrogram with time and frequency axes and a colour bar (aud, mel),
 * or one curve per descriptor on its own axis with its unit.
 *
 * @example
 * await writeFigure('x.png', featureSpec(analyzeSignal(x, 8000, 'aud'), 'x.wav'));
 */
export function featureSpec(m: FeatureMatrix, name: string): FigureSpec {
  const at = `${name}, ${m.sampleRate} Hz`;
  if (m.feature === 'descriptors') return descriptorsSpec({ names: m.channelNames!, data: m.data, frames: m.frames, frameRate: m.frameRate }, `Descriptors of ${at}`);
  const panel = { title: '', data: m.data, channels: m.channels, frames: m.frames };
  if (m.feature === 'aud') {
    return spectrogramSpec([panel], { title: { text: `Auditory spectrogram of ${at}`, subtitle: `${m.channels} cochlear channels, 24 per octave; ${m.frameRate} frames/s` }, frameRate: m.frameRate, frequency: { kind: 'auditory', sampleRate: m.sampleRate }, colourTitle: 'response (linear)' });
  }
  return spectrogramSpec([panel], { title: { text: `Log-mel spectrogram of ${at}`, subtitle: `${m.channels} mel bands (Slaney), 0-${m.sampleRate / 2} Hz; ${m.frameRate} frames/s` }, frameRate: m.frameRate, frequency: { kind: 'mel', fmin: 0, fmax: m.sampleRate / 2 }, colourTitle: 'ln(mel power)' });
}
