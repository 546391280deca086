import { seedState } from "../regions/seeded-random";

/**
 * Pure assignment of a class's units (one lab each) to candidate (subscription, region, node type)
 * places, never drawing more from a quota pool than it has free. A pool is one usage row of one
 * subscription in one region: a VM family's vCPUs, the regional `cores`, an Azure ML dedicated-core row.
 * Every candidate says which pools one learner and one unit draw on; a unit fits a candidate only when
 * every one of those pools still has room, and the pools are charged at once, so no region is ever
 * over-committed whatever the order. Which fitting candidate a unit gets, in order of importance:
 * 1. the unit's own region (the roster's `region` column), then that region's geography;
 * 2. the class's preferred geography (when nothing about the unit says otherwise);
 * 3. the stack's node types in their order (primary first, fallbacks after);
 * 4. the place with the fewest learners so far, so regions fill evenly instead of one after another;
 * 5. a seeded random order, so two classes spread differently but one class always the same way.
 */

/** What a learner (perLearner) and a whole unit (perUnit) draw from one pool, in vCPUs. */
export interface Draw {
  pool: string;
  perLearner: number;
  perUnit: number;
}

export interface Candidate {
  subscription: string;
  region: string;
  geography?: string;
  nodeType: string;
  /** 0 = the stack's nodeType, 1 = its first fallback, … */
  nodeTypeRank: number;
  draws: Draw[];
}

export interface Pool {
  key: string;
  subscription: string;
  region: string;
  /** The usage row as ARM names it (`standardDSv2Family`, `cores`, `Total Cluster Dedicated Regional vCPUs`). */
  row: string;
  free: number;
  limit: number;
}

export interface UnitRequest {
  key: string;
  /** Learners in the unit (1 for per-learner). */
  size: number;
  /** Hard pin. */
  subscription?: string;
  /** Preference. */
  region?: string;
  /** The preferred region's geography, when it has one. */
  regionGeography?: string;
}

export interface AssignInput {
  units: readonly UnitRequest[];
  candidates: readonly Candidate[];
  pools: readonly Pool[];
  seed: string | number;
  /** The class's preferred geography (--geography, the stack's region). */
  geography?: string;
  /**
   * Labs of the class that already have their place (deployed, or found in Azure): charged to the pools
   * first, because their clusters may be stopped now and start again when the class begins.
   */
  reserved?: ReadonlyArray<{ size: number; subscription: string; region: string; nodeType: string }>;
}

export interface Placement {
  unit: string;
  subscription: string;
  region: string;
  nodeType: string;
}

export interface Unplaced {
  unit: string;
  reason: string;
}

export interface AssignResult {
  placements: Placement[];
  unplaced: Unplaced[];
  /** Free vCPUs left in every pool after the placements. */
  free: Map<string, number>;
}

export const placeKey = (subscription: string, region: string) => `${subscription}|${region}`;

/** A unit's whole draw on one pool. */
export function drawOf(draw: Draw, size: number): number {
  return draw.perLearner * size + draw.perUnit;
}

export function assignUnits(input: AssignInput): AssignResult {
  const free = new Map(input.pools.map((p) => [p.key, p.free] as const));
  const learnersAt = new Map<string, number>();
  // A fixed random rank per place: the last tie-break, the same for every unit of this seed.
  const tiebreak = new Map<string, number>();
  for (const c of input.candidates) {
    const key = placeKey(c.subscription, c.region);
    if (!tiebreak.has(key)) tiebreak.set(key, seedState(`${input.seed}|${key}`));
  }
  for (const r of input.reserved ?? []) {
    const c = input.candidates.find((x) => x.subscription === r.subscription && x.region === r.region && x.nodeType === r.nodeType);
    for (const draw of c?.draws ?? []) free.set(draw.pool, (free.get(draw.pool) ?? 0) - drawOf(draw, r.size));
    const place = placeKey(r.subscription, r.region);
    learnersAt.set(place, (learnersAt.get(place) ?? 0) + r.size);
  }
  const bySubscription = new Map<string, Candidate[]>();
  for (const c of input.candidates) bySubscription.set(c.subscription, [...(bySubscription.get(c.subscription) ?? []), c]);

  // Pinned units first (they have the fewest choices), then larger units first (first fit decreasing),
  // then as listed; each group keeps its order, so the result does not depend on anything else.
  const order = input.units
    .map((unit, index) => ({ unit, index }))
    .sort((a, b) => Number(!a.unit.subscription) - Number(!b.unit.subscription) || b.unit.size - a.unit.size || a.index - b.index);

  const placements: Placement[] = [];
  const unplaced: Unplaced[] = [];
  for (const { unit } of order) {
    const pool = unit.subscription ? bySubscription.get(unit.subscription) ?? [] : input.candidates;
    if (pool.length === 0) {
      unplaced.push({ unit: unit.key, reason: unit.subscription ? `no eligible region in subscription ${unit.subscription}` : "no eligible region in any subscription" });
      continue;
    }
    const wantedGeography = unit.region ? unit.regionGeography : input.geography;
    let best: Candidate | undefined;
    let bestRank: number[] | undefined;
    for (const c of pool) {
      if (!fits(c, unit.size, free)) continue;
      const place = placeKey(c.subscription, c.region);
      const rank = [
        unit.region && c.region !== unit.region ? 1 : 0,
        wantedGeography && c.geography !== wantedGeography ? 1 : 0,
        c.nodeTypeRank,
        learnersAt.get(place) ?? 0,
        tiebreak.get(place)!,
      ];
      if (!bestRank || lessThan(rank, bestRank)) {
        best = c;
        bestRank = rank;
      }
    }
    if (!best) {
      unplaced.push({ unit: unit.key, reason: "no room left: every eligible region's quota is used by the learners placed before" });
      continue;
    }
    for (const draw of best.draws) free.set(draw.pool, free.get(draw.pool)! - drawOf(draw, unit.size));
    const place = placeKey(best.subscription, best.region);
    learnersAt.set(place, (learnersAt.get(place) ?? 0) + unit.size);
    placements.push({ unit: unit.key, subscription: best.subscription, region: best.region, nodeType: best.nodeType });
  }
  return { placements, unplaced, free };
}

function fits(c: Candidate, size: number, free: ReadonlyMap<string, number>): boolean {
  for (const draw of c.draws) {
    const left = free.get(draw.pool);
    if (left === undefined || left < drawOf(draw, size)) return false;
  }
  return true;
}

function lessThan(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]!;
  }
  return false;
}
