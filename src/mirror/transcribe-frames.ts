import type { Hz } from '../core/units';

/**
 * The transcription's analysis frames (src/mirror/transcribe.ts and its parts): 16 kHz, 8-ms hops.
 * @example FRAME_RATE // 125 frames per second
 */
/** The analysis rate: YIN reaches MIDI 96 (2093 Hz) with 7.6 samples per period. */
export const TRANSCRIBE_RATE: Hz = 16000;
export const HOP = 128;
export const FRAME_RATE = TRANSCRIBE_RATE / HOP;
export const YIN_FRAME = 1024;
/** Onsets are reported this many frames before the flux peak (measured bias of the 32-ms spectra). */
export const ONSET_SHIFT_FRAMES = 1;
/** Shortest piece a pitch change cuts off (80 ms). */
export const MIN_SPLIT_FRAMES = 10;
