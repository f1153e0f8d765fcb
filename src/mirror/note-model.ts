import * as ort from '../models/ort-backend';
import { MbError } from '../core/errors';
import { loadManifest, OnnxModel, type ModelManifest } from '../models';
import { noteFieldToNormalized, NOTE_FIELD_SPECS } from '../synth';
import { excerptSpectrogram, FITTED_CONTROLS, NOTE_EXCERPT_SAMPLES, NOTE_VECTOR_NAMES } from './note-fit';
import type { NoteEncoder, NoteExcerpt } from './notes';

/**
 * The note model (kind `mirrornet-notes`, trained by training/mirrornet/notes.py): per note, the
 * encoder reads the auditory spectrogram of its 1-s excerpt and its normalized pitch and gate, and
 * gives the plant's FITTED_CONTROLS; the decoder maps a note vector (pitch, gate, controls) to the
 * spectrogram the plant would give, pooled 2 x 2. The manifest's `extra.controls` and `extra.vector`
 * must name exactly what src/mirror/note-fit.ts uses, or the load is refused.
 *
 * @example
 * const model = await NoteModel.load('models/mirrornet-notes');
 * const r = await inferNotes(samples, 44100, { encoder: model, refine: 0 });
 */
export class NoteModel implements NoteEncoder {
  private constructor(readonly model: OnnxModel) {}

  static async load(dir: string): Promise<NoteModel> {
    const manifest: ModelManifest = await loadManifest(dir);
    NoteModel.check(manifest);
    return new NoteModel(await OnnxModel.load(dir, manifest));
  }

  /** Wraps a loaded model (an engine job's lease), after the same checks; dispose stays with its owner. */
  static fromModel(model: OnnxModel): NoteModel {
    NoteModel.check(model.manifest);
    return new NoteModel(model);
  }

  private static check(manifest: ModelManifest): void {
    if (manifest.kind !== 'mirrornet-notes') throw new MbError('MB_ERR_MODEL_MANIFEST', `model ${manifest.name} is a ${manifest.kind}, not a mirrornet-notes`);
    const same = (a: unknown, b: readonly string[]): boolean => JSON.stringify(a) === JSON.stringify(b);
    if (!same(manifest.extra?.controls, FITTED_CONTROLS) || !same(manifest.extra?.vector, NOTE_VECTOR_NAMES)) {
      throw new MbError('MB_ERR_MODEL_MANIFEST', `model ${manifest.name} lists controls ${JSON.stringify(manifest.extra?.controls)}, this runtime sets ${JSON.stringify(FITTED_CONTROLS)}`);
    }
    const frames = manifest.graphs.encoder?.inputs[0]?.shape[2];
    if (manifest.audio.sampleRate !== 8000 || frames !== Math.floor(NOTE_EXCERPT_SAMPLES / 64)) {
      throw new MbError('MB_ERR_MODEL_SHAPE', `model ${manifest.name} reads ${frames} frames at ${manifest.audio.sampleRate} Hz, this runtime cuts 1-s excerpts at 8 kHz (125 frames)`);
    }
  }

  get name(): string {
    return this.model.name;
  }

  /** Normalized FITTED_CONTROLS for each excerpt, one encoder run for all. */
  async encode(excerpts: NoteExcerpt[]): Promise<Float32Array[]> {
    if (excerpts.length === 0) return [];
    const [aud, cond] = this.model.manifest.graphs.encoder.inputs;
    const specs = excerpts.map((e) => excerptSpectrogram(e.audio));
    const { channels, frames } = specs[0];
    const data = new Float32Array(excerpts.length * channels * frames);
    specs.forEach((s, b) => data.set(s.data, b * channels * frames));
    const c = new Float32Array(excerpts.length * 2);
    excerpts.forEach((e, b) => {
      c[2 * b] = noteFieldToNormalized('midi', e.midi);
      c[2 * b + 1] = noteFieldToNormalized('duration', Math.min(NOTE_FIELD_SPECS.duration.max, Math.max(NOTE_FIELD_SPECS.duration.min, e.duration)));
    });
    const out = await this.model.run('encoder', {
      [aud.name]: new ort.Tensor('float32', data, [excerpts.length, channels, frames]),
      [cond.name]: new ort.Tensor('float32', c, [excerpts.length, 2]),
    });
    const y = out[this.model.manifest.graphs.encoder.outputs[0].name].data as Float32Array;
    const n = FITTED_CONTROLS.length;
    return excerpts.map((_, b) => y.slice(b * n, (b + 1) * n));
  }

  dispose(): Promise<void> {
    return this.model.dispose();
  }
}
