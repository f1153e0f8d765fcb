import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resample } from '../../src/audio/resample';
import type { ScoredNote } from './score';

/**
 * The peer: Spotify's basic-pitch (`@spotify/basic-pitch`, Apache-2.0, ICASSP 2022), a
 * devDependency of the bench. Its model (model.json and one weight shard) ships inside the npm
 * package; it is read from disk into a memory IO handler and run on pure `@tensorflow/tfjs`
 * (CPU backend) in Node: no download, no tfjs-node. Notes come from the package's own
 * post-processing with the settings its README shows (onset 0.25, frame 0.25, shortest note 5
 * frames), monophony not imposed (it is a polyphonic transcriber).
 */
export interface Peer {
  name: string;
  transcribe(audio: Float32Array, sampleRate: number): Promise<ScoredNote[]>;
}

const BASIC_PITCH_RATE = 22050;

export async function loadBasicPitch(): Promise<Peer> {
  // Loaded lazily: tfjs is large, and only the peer needs it.
  const tf = await import('@tensorflow/tfjs');
  const bp = await import('@spotify/basic-pitch');
  const dir = join(dirname(require.resolve('@spotify/basic-pitch/package.json')), 'model');
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ paths: string[]; weights: import('@tensorflow/tfjs').io.WeightsManifestEntry[] }>;
    format?: string;
    generatedBy?: string;
    convertedBy?: string;
  };
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  const handler = tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
  });
  await tf.setBackend('cpu');
  const model = new bp.BasicPitch(tf.loadGraphModel(handler));
  return {
    name: 'basic-pitch (tfjs, CPU)',
    async transcribe(audio, sampleRate) {
      const x = sampleRate === BASIC_PITCH_RATE ? audio : resample(audio, sampleRate, BASIC_PITCH_RATE);
      const frames: number[][] = [];
      const onsets: number[][] = [];
      const contours: number[][] = [];
      await model.evaluateModel(
        x,
        (f, o, c) => {
          frames.push(...f);
          onsets.push(...o);
          contours.push(...c);
        },
        () => undefined,
      );
      const notes = bp.noteFramesToTime(bp.addPitchBendsToNoteEvents(contours, bp.outputToNotesPoly(frames, onsets, 0.25, 0.25, 5)));
      return notes.map((n) => ({ onset: n.startTimeSeconds, offset: n.startTimeSeconds + n.durationSeconds, midi: n.pitchMidi }));
    },
  };
}
