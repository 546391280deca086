import { regionGeography } from "../regions/geography";
import { assignUnits, type UnitRequest } from "./assign";
import type { ClassCandidates } from "./candidates";
import type { ClassCost } from "./cost";
import { quotaShortfall, type ExhaustedPool, type QuotaRequest } from "./shortfall";
import { unitStack, type ClassUnit, type LayoutOptions } from "./units";

/**
 * A class plan as data: who goes where, who does not fit and why, where quota ran out and what to ask
 * for. Pure: the candidates (from the signals) and the units (from the roster) are passed in; the
 * cost is added by the caller, which knows where prices come from.
 */
export interface ClassAssignment {
  learner: string;
  subscription: string;
  region: string;
  nodeType: string;
  /** The lab (stack) the learner's work lives in: theirs, or their group's shared workspace. */
  workspace: string;
  stack: string;
}

export interface ClassPlan {
  classId: string;
  stack: string;
  layout: LayoutOptions["layout"];
  perWorkspace?: number;
  seed: string;
  learners: number;
  assignments: ClassAssignment[];
  unassigned: Array<{ learner: string; reason: string }>;
  regions: Array<{ subscription: string; region: string; learners: number; workspaces: number }>;
  exhausted: ExhaustedPool[];
  requests: QuotaRequest[];
  costPerHour: number;
  cost?: ClassCost & { prices: Array<{ region: string; source: string; retrievedAt: string; problem?: string }> };
  /** Caveats said once (unusable subscriptions, the preferred geography used). */
  notes: string[];
}

export interface PlanInput {
  classId: string;
  stack: string;
  layout: LayoutOptions;
  units: readonly ClassUnit[];
  candidates: ClassCandidates;
  seed: string;
  geography?: string;
  /** Units already placed (found in Azure, or planned by an earlier run): kept where they are. */
  fixed?: ReadonlyMap<string, { subscription: string; region: string; nodeType: string }>;
}

export function planClass(input: PlanInput): ClassPlan {
  const byKey = new Map(input.units.map((u) => [u.key, u] as const));
  const requests: UnitRequest[] = input.units
    .filter((u) => !input.fixed?.has(u.key))
    .map((u) => ({
      key: u.key,
      size: u.learners.length,
      ...(u.subscription ? { subscription: u.subscription } : {}),
      ...(u.region ? { region: u.region, ...(regionGeography({ name: u.region }) ? { regionGeography: regionGeography({ name: u.region })! } : {}) } : {}),
    }));
  const reserved = [...(input.fixed ?? new Map())].map(([unit, p]) => ({ ...p, size: byKey.get(unit)?.learners.length ?? 1 }));
  const result = assignUnits({ units: requests, candidates: input.candidates.candidates, pools: input.candidates.pools, seed: input.seed, reserved, ...(input.geography ? { geography: input.geography } : {}) });
  const placements = [...(input.fixed ? [...input.fixed].map(([unit, p]) => ({ unit, ...p })) : []), ...result.placements];

  const assignments: ClassAssignment[] = [];
  for (const p of placements) {
    const unit = byKey.get(p.unit);
    if (!unit) continue;
    for (const l of unit.learners) {
      assignments.push({ learner: l.learner, subscription: p.subscription, region: p.region, nodeType: p.nodeType, workspace: unit.key, stack: unitStack(input.classId, unit.key) });
    }
  }
  const line = new Map(input.units.flatMap((u) => u.learners.map((l) => [l.learner, l.line] as const)));
  assignments.sort((a, b) => line.get(a.learner)! - line.get(b.learner)!);

  const unassigned = result.unplaced.flatMap((u) => {
    const unit = byKey.get(u.unit)!;
    const reason = whyUnplaced(unit, u.reason, input.candidates);
    return unit.learners.map((l) => ({ learner: l.learner, reason }));
  });
  unassigned.sort((a, b) => line.get(a.learner)! - line.get(b.learner)!);

  const regions = new Map<string, { subscription: string; region: string; learners: number; workspaces: number }>();
  for (const p of placements) {
    const key = `${p.subscription}|${p.region}`;
    const entry = regions.get(key) ?? { subscription: p.subscription, region: p.region, learners: 0, workspaces: 0 };
    entry.learners += byKey.get(p.unit)?.learners.length ?? 0;
    entry.workspaces += 1;
    regions.set(key, entry);
  }
  const unplacedRequests = requests.filter((r) => result.unplaced.some((u) => u.unit === r.key));
  const shortfall = unplacedRequests.length > 0
    ? quotaShortfall({ unplaced: unplacedRequests, candidates: input.candidates.candidates, pools: input.candidates.pools, free: result.free, ...(input.geography ? { geography: input.geography } : {}) })
    : { exhausted: [], requests: [] };

  const notes = input.candidates.unusable.map((u) => `subscription ${u.subscription} cannot be used: ${u.reason}`);
  if (input.geography) notes.push(`preferred geography: ${input.geography}`);
  return {
    classId: input.classId,
    stack: input.stack,
    layout: input.layout.layout,
    ...(input.layout.perWorkspace ? { perWorkspace: input.layout.perWorkspace } : {}),
    seed: input.seed,
    learners: input.units.reduce((sum, u) => sum + u.learners.length, 0),
    assignments,
    unassigned,
    regions: [...regions.values()].sort((a, b) => a.subscription.localeCompare(b.subscription) || a.region.localeCompare(b.region)),
    exhausted: shortfall.exhausted,
    requests: shortfall.requests,
    costPerHour: 0,
    notes,
  };
}

/** Why a unit got no place, in words an instructor can act on. */
function whyUnplaced(unit: ClassUnit, assignReason: string, candidates: ClassCandidates): string {
  const scope = candidates.excluded.filter((e) => !unit.subscription || e.subscription === unit.subscription);
  const anyCandidate = candidates.candidates.some((c) => !unit.subscription || c.subscription === unit.subscription);
  if (!anyCandidate) {
    const unusable = candidates.unusable.find((u) => u.subscription === unit.subscription);
    if (unusable) return `subscription ${unusable.subscription}: ${unusable.reason}`;
    const counts = new Map<string, number>();
    for (const e of scope) counts.set(e.reasons[0] ?? "unknown", (counts.get(e.reasons[0] ?? "unknown") ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    return `${assignReason}${top ? ` (e.g. ${top[1]} region/node type combinations: ${top[0]})` : unit.subscription ? ` (no signals for subscription ${unit.subscription})` : ""}`;
  }
  return `${assignReason}${unit.learners.length > 1 ? ` (a workspace of ${unit.learners.length} learners needs room for all of them in one region)` : ""}`;
}
