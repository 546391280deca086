import { drawOf, type Candidate, type Pool, type UnitRequest } from "./assign";

/**
 * When a class does not fit: where the quota ran out, and what to ask for so the rest fit. Pure, over the
 * assignment's leftovers. The request names one region per group of learners left over (the primary node
 * type, the preferred geography, the region with the most quota already), with the new limit each of its
 * rows needs, in the words of Azure's quota request form (usage row, current limit, new limit).
 */
export interface ExhaustedPool {
  subscription: string;
  region: string;
  row: string;
  free: number;
  limit: number;
}

export interface QuotaRequest {
  subscription: string;
  region: string;
  nodeType: string;
  row: string;
  limit: number;
  newLimit: number;
  learners: number;
}

export interface Shortfall {
  exhausted: ExhaustedPool[];
  requests: QuotaRequest[];
}

export function quotaShortfall(input: {
  unplaced: readonly UnitRequest[];
  candidates: readonly Candidate[];
  pools: readonly Pool[];
  free: ReadonlyMap<string, number>;
  geography?: string;
}): Shortfall {
  const byKey = new Map(input.pools.map((p) => [p.key, p] as const));
  // A pool is exhausted when not one more learner fits on it by any candidate that draws on it.
  const smallest = new Map<string, number>();
  for (const c of input.candidates) {
    for (const d of c.draws) {
      const one = drawOf(d, 1);
      if (one > 0) smallest.set(d.pool, Math.min(smallest.get(d.pool) ?? Infinity, one));
    }
  }
  const exhausted: ExhaustedPool[] = [];
  for (const [key, need] of smallest) {
    const free = input.free.get(key) ?? 0;
    const pool = byKey.get(key);
    if (pool && free < need) exhausted.push({ subscription: pool.subscription, region: pool.region, row: pool.row, free, limit: pool.limit });
  }
  exhausted.sort((a, b) => a.subscription.localeCompare(b.subscription) || a.region.localeCompare(b.region) || a.row.localeCompare(b.row));

  const requests: QuotaRequest[] = [];
  const groups = new Map<string, UnitRequest[]>();
  for (const unit of input.unplaced) groups.set(unit.subscription ?? "", [...(groups.get(unit.subscription ?? "") ?? []), unit]);
  for (const [subscription, units] of groups) {
    const options = input.candidates.filter((c) => !subscription || c.subscription === subscription);
    if (options.length === 0) continue;
    const capacity = (c: Candidate) => c.draws.reduce((sum, d) => sum + (byKey.get(d.pool)?.limit ?? 0), 0);
    const target = [...options].sort(
      (a, b) =>
        a.nodeTypeRank - b.nodeTypeRank ||
        Number(Boolean(input.geography) && a.geography !== input.geography) - Number(Boolean(input.geography) && b.geography !== input.geography) ||
        capacity(b) - capacity(a) ||
        a.region.localeCompare(b.region),
    )[0]!;
    const learners = units.reduce((sum, u) => sum + u.size, 0);
    for (const draw of target.draws) {
      const pool = byKey.get(draw.pool)!;
      const need = units.reduce((sum, u) => sum + drawOf(draw, u.size), 0);
      const free = input.free.get(draw.pool) ?? 0;
      if (need > free) requests.push({ subscription: target.subscription, region: target.region, nodeType: target.nodeType, row: pool.row, limit: pool.limit, newLimit: pool.limit + need - free, learners });
    }
  }
  return { exhausted, requests };
}
