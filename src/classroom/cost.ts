import type { LabConfig } from "../config/lab-config";
import { estimateCostPerHour, PRICE_TABLE, type PriceTable } from "../plan/cost";

/**
 * The hourly cost of a whole class, from the same per-lab estimate `plan` prints (src/plan/cost.ts), with
 * each lab priced in its own region's table. In the shared layout a workspace's other billable items
 * (serving, endpoints) are counted once and its cluster once per learner, since every learner has their
 * own single-user cluster. Pure: the tables are passed in.
 */
export interface PricedUnit {
  region: string;
  nodeType: string;
  learners: number;
}

export interface ClassCost {
  /** USD per hour with every lab up and every cluster running. */
  costPerHour: number;
  currency: string;
  perRegion: Array<{ region: string; learners: number; usdPerHour: number }>;
  /** Items the tables have no price for (left out of the total). */
  unpriced: string[];
}

const round = (value: number) => Math.round(value * 100) / 100;

export function classCost(config: LabConfig, units: readonly PricedUnit[], tableFor: (region: string) => PriceTable = () => PRICE_TABLE): ClassCost {
  const perRegion = new Map<string, { learners: number; usd: number }>();
  const unpriced = new Set<string>();
  for (const unit of units) {
    const estimate = estimateCostPerHour({ ...config, region: unit.region, nodeType: unit.nodeType }, tableFor(unit.region));
    const cluster = estimate.items.find((item) => item.item === "cluster" || item.item === "serverless-notebook");
    const extraClusters = cluster?.usdPerHour ? cluster.usdPerHour * (unit.learners - 1) : 0;
    for (const item of estimate.items) if (item.usdPerHour === null) unpriced.add(`${item.item} (${unit.nodeType}, ${unit.region})`);
    const entry = perRegion.get(unit.region) ?? { learners: 0, usd: 0 };
    entry.learners += unit.learners;
    entry.usd += estimate.totalUsdPerHour + extraClusters;
    perRegion.set(unit.region, entry);
  }
  const rows = [...perRegion.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([region, v]) => ({ region, learners: v.learners, usdPerHour: round(v.usd) }));
  return { costPerHour: round(rows.reduce((sum, r) => sum + r.usdPerHour, 0)), currency: PRICE_TABLE.currency, perRegion: rows, unpriced: [...unpriced].sort() };
}
