/**
 * The project's one seeded random generator (mulberry32, Tommy Ettinger's 32-bit
 * generator): tiny, fast and with the same sequence on every platform, so randomized
 * deformations, corpora, sweeps and benchmarks are reproducible from a seed. Not for
 * anything that needs unpredictability (tokens).
 *
 * Returns floats in [0, 1), each an integer multiple of 2^-32, so `next() * 2 ** 32` is
 * the generator's 32-bit output exactly.
 *
 * @example
 * const next = mulberry32(1);
 * next(); // 0.6270739405881613, the same on every run
 * const die = () => 1 + Math.floor(next() * 6);
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
