/**
 * A small deterministic random source. Region ties are broken at random so a classroom spreads over
 * near-equal regions, but the same seed always gives the same choice (re-runs, tests, plan output).
 */

/** FNV-1a over the seed's text: any string or number becomes a 32-bit state. */
export function seedState(seed: string | number): number {
  const text = String(seed);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** mulberry32: uniform floats in [0, 1). */
export function seededRandom(seed: string | number): () => number {
  let state = seedState(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pickIndex(length: number, seed: string | number): number {
  if (length <= 0) throw new RangeError("pickIndex needs at least one item");
  return Math.floor(seededRandom(seed)() * length);
}
