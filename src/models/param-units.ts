import type { ParamEntry } from './manifest';

/**
 * Maps a model's normalized parameter output to its unit, following the manifest entry:
 * clamp to `range`, then onto `unitRange` (linear or log), then snap to `grid` when the
 * parameter is discrete. Without `unitRange` the unit value is the clamped normalized value
 * (snapped to the grid when there is one).
 *
 * @example
 * toUnits({ name: 'cutoff', range: [0, 1], unit: 'Hz', unitRange: [20, 20000], scale: 'log' }, 0.5); // ≈ 632
 */
export function toUnits(entry: ParamEntry, normalized: number): number {
  const [lo, hi] = entry.range;
  const t = Math.min(1, Math.max(0, (normalized - lo) / (hi - lo)));
  let value = t * (hi - lo) + lo;
  if (entry.unitRange) {
    const [u0, u1] = entry.unitRange;
    value = entry.scale === 'log' ? u0 * Math.pow(u1 / u0, t) : u0 + t * (u1 - u0);
  }
  return entry.grid ? snap(entry.grid, value) : value;
}

/** The grid point nearest to `value` (grids are short and ascending). */
function snap(grid: number[], value: number): number {
  let best = grid[0];
  for (const g of grid) if (Math.abs(g - value) < Math.abs(best - value)) best = g;
  return best;
}

/** Fills `out` with the unit values of a whole parameter frame. */
export function frameToUnits(entries: readonly ParamEntry[], normalized: ArrayLike<number>, out: Float32Array): Float32Array {
  for (let i = 0; i < entries.length; i++) out[i] = toUnits(entries[i], normalized[i]);
  return out;
}
