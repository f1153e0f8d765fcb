/**
 * The plant: a subtractive synth (PolyBLEP saw + pulse, resonant TPT band-pass, attack/decay
 * envelope, vibrato) with its normalized parameter schema, a melody renderer and a
 * continuous, frame-controlled renderer.
 *
 * @example
 * import { renderMelody, SET1, paramSchema } from '../synth';
 * const audio = renderMelody(new Float32Array(5 * SET1.length).fill(0.5), { sampleRate: 8000 });
 */
export * from './params';
export * from './parse';
export * from './patch';
export * from './melody';
export * from './continuous';
export * from './notes';
export { MelodyVoice, noteFromNormalized } from './voice';
export type { NoteUnits } from './voice';
