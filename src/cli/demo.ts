import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeWav } from '../audio/wav';
import { normalizePower } from '../dsp/auditory';
import { writeFigure } from '../core/figure';
import { parseMelodyJson, renderMelody } from '../synth';
import { analyzeSignal, featureSpec } from './analyze';
import { parseCommandArgs, type Command } from './command';

/** A short rising-and-falling phrase in units, rendered by the demo. */
export const DEMO_MELODY = {
  notes: [
    { midi: 62, cutoff: 600, resonance: 2, attack: 0.01, decay: 0.3 },
    { midi: 65, cutoff: 900, resonance: 3, attack: 0.02, decay: 0.25 },
    { midi: 69, cutoff: 1400, resonance: 4, attack: 0.03, decay: 0.3 },
    { midi: 72, cutoff: 2000, resonance: 3, attack: 0.01, decay: 0.5 },
    { midi: 67, cutoff: 800, resonance: 2, attack: 0.05, decay: 0.4 },
  ],
};

export const demoCommand: Command = {
  name: 'demo',
  summary: 'render a melody with the plant and analyze it (WAV, auditory spectrogram PNG)',
  usage: 'mirrorbridge demo [--out DIR]',
  async run(argv) {
    const { values } = parseCommandArgs(argv, { out: { type: 'string', default: 'demo-out' } }, false);
    const dir = values.out as string;
    mkdirSync(dir, { recursive: true });
    const sampleRate = 8000;
    const melody = parseMelodyJson(DEMO_MELODY);
    const audio = renderMelody(melody.params, { sampleRate, notes: melody.notes, paramCount: melody.paramCount });
    const wavPath = join(dir, 'melody.wav');
    writeWav(wavPath, audio, sampleRate);
    const aud = analyzeSignal(normalizePower(audio), sampleRate, 'aud');
    const pngPath = join(dir, 'melody-aud.png');
    await writeFigure(pngPath, featureSpec(aud, 'the demo melody'));
    const desc = analyzeSignal(audio, sampleRate, 'descriptors');
    const f0Row = desc.channelNames?.indexOf('f0') ?? -1;
    const f0s = f0Row >= 0 ? Array.from(desc.data.subarray(f0Row * desc.frames, (f0Row + 1) * desc.frames)) : [];
    const voiced = f0s.filter((f) => f > 0);
    process.stdout.write(
      `demo: rendered ${melody.notes} notes (2 s at ${sampleRate} Hz) -> ${wavPath}\n` +
        `demo: auditory spectrogram ${aud.channels}x${aud.frames} -> ${pngPath}\n` +
        `demo: f0 range ${voiced.length ? `${Math.min(...voiced).toFixed(1)}-${Math.max(...voiced).toFixed(1)} Hz` : 'unvoiced'} over ${desc.frames} descriptor frames\n`,
    );
    return 0;
  },
};
