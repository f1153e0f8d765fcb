import type { JobEvent } from '../engine/types';
import { float, int, reply } from './replies';
import type { Reply } from './spec';

/**
 * The notes of a finished job as plain messages, for patches that cannot read JSON easily
 * (Max lists, Pd messages): one /mb/job/note per note, then /mb/job/notes with every note's
 * pitch, both before the job's /mb/job/done. A job result has notes when it carries a `notes`
 * array whose items have an onset (`onset_s`) and a pitch (`midi`): `infer` and `resynth` on a
 * note model (offset_s) or on the paper's model (duration_s). Other results give none.
 *
 * @example
 * jobNoteReplies({ id: 3, state: 'done', result: { notes: [{ onset_s: 0.1, offset_s: 0.4, midi: 64.02 }] }, ... });
 * // [/mb/job/note 3 0 0.1 0.3 64.02 2, /mb/job/notes 3 64.02]
 */
export interface JobNote {
  onset: number;
  duration: number;
  midi: number;
}

/** The most pitches one /mb/job/notes carries (a UDP datagram stays under 8 kB); every note still gets its /mb/job/note. */
export const MAX_NOTES_LIST = 1024;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The notes of a job result, or [] when it has none. */
export function notesOfResult(result: unknown): JobNote[] {
  const notes = (result as { notes?: unknown } | null)?.notes;
  if (!Array.isArray(notes)) return [];
  const out: JobNote[] = [];
  for (const n of notes as Record<string, unknown>[]) {
    const onset = num(n?.onset_s);
    const midi = num(n?.midi);
    const duration = num(n?.offset_s) !== undefined ? num(n.offset_s)! - (onset ?? 0) : num(n?.duration_s);
    if (onset === undefined || midi === undefined || duration === undefined) return [];
    out.push({ onset, duration, midi });
  }
  return out;
}

/** /mb/job/note per note and /mb/job/notes, for a done job whose result has notes; [] otherwise. */
export function jobNoteReplies(e: JobEvent): Reply[] {
  if (e.state !== 'done') return [];
  const notes = notesOfResult(e.result);
  if (notes.length === 0) return [];
  const id = int(e.id);
  const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
  return [
    ...notes.map((n, i) => reply('/mb/job/note', id, int(i), float(round(n.onset, 4)), float(round(n.duration, 4)), float(round(n.midi, 2)), int(Math.round(100 * (n.midi - Math.round(n.midi)))))),
    reply('/mb/job/notes', id, ...notes.slice(0, MAX_NOTES_LIST).map((n) => float(round(n.midi, 2)))),
  ];
}
