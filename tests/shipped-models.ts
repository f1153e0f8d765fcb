import * as path from 'node:path';
import { MirrorMelody } from '../src/mirror/melody';

/**
 * The models committed under models/, which the model tests run against (no mock): where they
 * are, and one loaded copy per test file of those several tests use, so a file never loads the
 * same model twice. MB_VQ_MODEL_DIR points the VQ tests at a candidate export instead (a folder
 * named vqvae-timbre), before it replaces the shipped one.
 *
 * @example
 * const mirror = await sharedMirrorMelody();
 * const { engine } = await createEngine({ modelsDir: MODELS_DIR, filesDir });
 */
export const MODELS_DIR = path.resolve(__dirname, '..', 'models');

/** The folder of a shipped model. */
export const shippedModelDir = (name: string): string => path.join(MODELS_DIR, name);

/** The VQ-VAE model the tests use: the shipped one, or MB_VQ_MODEL_DIR. */
export const VQ_MODEL_DIR = process.env.MB_VQ_MODEL_DIR ? path.resolve(process.env.MB_VQ_MODEL_DIR) : shippedModelDir('vqvae-timbre');

/** The learned plant model the tests use (models/fm, learned from patches/pd/plants/fm.pd), or MB_PLANT_MODEL. */
export const PLANT_MODEL_DIR = process.env.MB_PLANT_MODEL ? path.resolve(process.env.MB_PLANT_MODEL) : shippedModelDir('fm');

let melody: Promise<MirrorMelody> | undefined;

/** The shipped MirrorNet melody model, loaded once per test file (the process ends with the file). */
export function sharedMirrorMelody(): Promise<MirrorMelody> {
  melody ??= MirrorMelody.load(shippedModelDir('mirrornet-melody'));
  return melody;
}
