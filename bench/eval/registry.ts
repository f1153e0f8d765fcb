import type { Table } from './figures';

/**
 * One evaluation: what it measures and how; `run` computes its tables (figures with intervals
 * and baselines) from the shipped models. A new figure family is one entry in ENTRIES
 * (bench/eval/entries.ts) and markers where its tables go.
 */
export interface EvalEntry {
  /** `npm run eval -- NAME` runs only this entry. */
  name: string;
  what: string;
  /** null when it can run here, else why not (a missing model or tool). */
  available: () => string | null;
  run: () => Promise<Table[]>;
}
