/** A seeded PRNG (mulberry32) so probabilistic faults and duration ranges repeat run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Duration = number | readonly [number, number];

/** A duration in simulated ms: a number, or a [min, max] range drawn with the seeded random. */
export function drawDuration(d: Duration, random: () => number): number {
  if (typeof d === "number") return d;
  return Math.round(d[0] + random() * (d[1] - d[0]));
}
