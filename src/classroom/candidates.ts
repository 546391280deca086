import type { Demand } from "../regions/demand";
import { evaluateRegion, isUsableSubscriptionState, sizeCatalog, type EvaluateOptions, type Reason } from "../regions/evaluate";
import { regionGeography } from "../regions/geography";
import { normalizeFamily } from "../regions/normalize";
import { findUsage } from "../regions/quota-rows";
import { normalizeSnapshot, type RegionSignals, type RegionSignalsSnapshot, type UsageRow } from "../regions/signals";
import { AZURE_ML_TOTAL_ROW, azureMlFamilyRow } from "../regions/stack-quota";
import type { Candidate, Draw, Pool } from "./assign";

/**
 * Where a class's labs may go, from the signals of each subscription: every (subscription, region, node
 * type) that region selection itself finds eligible (evaluate.ts: policy, offerings, providers, model
 * serving, serverless workspaces, size restrictions, earlier failures), with the quota pools one learner
 * and one lab draw on. Quota is the one rule left to the assignment, which charges it learner by
 * learner; a region whose quota rows cannot be read is left out (a class is not sent on a guess).
 */
export interface Exclusion {
  subscription: string;
  region: string;
  nodeType: string;
  reasons: string[];
}

export interface ClassCandidates {
  candidates: Candidate[];
  pools: Pool[];
  excluded: Exclusion[];
  /** Subscriptions that cannot host a lab at all, with why. */
  unusable: Array<{ subscription: string; reason: string }>;
}

type Rows = "compute" | "azureml";

function poolKey(subscription: string, region: string, rows: Rows, row: string): string {
  return `${subscription}|${region}|${rows === "azureml" ? "ml:" : ""}${normalizeFamily(row)}`;
}

/**
 * `ownerCluster`: each lab also runs its owner's cluster besides its learners' (a shared workspace keeps
 * the lab's own cluster for the instructor who owns it, src/lab/databricks/learners.ts).
 */
export function classCandidates(snapshots: readonly RegionSignalsSnapshot[], demand: Demand, options: EvaluateOptions, layout: { ownerCluster?: boolean } = {}): ClassCandidates {
  const out: ClassCandidates = { candidates: [], pools: [], excluded: [], unusable: [] };
  const pools = new Map<string, Pool>();
  for (const input of snapshots) {
    const snapshot = normalizeSnapshot(input);
    const subscription = snapshot.subscription.id.toLowerCase();
    if (!isUsableSubscriptionState(snapshot.subscription.state)) {
      out.unusable.push({ subscription, reason: `subscription is ${snapshot.subscription.state}` });
      continue;
    }
    const catalog = sizeCatalog(snapshot.regions);
    const regions = [...snapshot.regions].sort((a, b) => a.name.localeCompare(b.name));
    demand.nodeTypes.forEach((nodeType, nodeTypeRank) => {
      for (const region of regions) {
        const verdict = evaluateRegion(snapshot, region, { ...demand, preferredRegion: undefined }, nodeType, options, catalog);
        const blocking = verdict.reasons.filter((r: Reason) => r.constraint !== "quota");
        const draws = blocking.length === 0 ? drawsFor(subscription, region, demand, verdict.nodeType, catalog, layout.ownerCluster === true) : undefined;
        const reasons = blocking.length > 0 ? blocking.map((r) => r.text) : draws && "unknown" in draws ? [draws.unknown] : [];
        if (reasons.length > 0 || !draws || "unknown" in draws) {
          out.excluded.push({ subscription, region: region.name, nodeType: verdict.nodeType, reasons });
          continue;
        }
        for (const [key, pool] of draws.pools) if (!pools.has(key)) pools.set(key, pool);
        out.candidates.push({
          subscription,
          region: region.name,
          ...(regionGeography(region) ? { geography: regionGeography(region)! } : {}),
          nodeType: verdict.nodeType,
          nodeTypeRank,
          draws: draws.draws,
        });
      }
    });
  }
  out.pools = [...pools.values()];
  return out;
}

type DrawsResult = { draws: Draw[]; pools: Map<string, Pool> } | { unknown: string };

/** The pools one learner (the Databricks node) and one lab (AKS nodes, managed instances) draw on here. */
function drawsFor(subscription: string, region: RegionSignals, demand: Demand, nodeType: string, catalog: ReturnType<typeof sizeCatalog>, ownerCluster: boolean): DrawsResult {
  const pools = new Map<string, Pool>();
  const draws = new Map<string, Draw>();
  const charge = (rows: Rows, usage: readonly UsageRow[] | null | undefined, row: string, perLearner: number, perUnit: number): string | undefined => {
    if (perLearner === 0 && perUnit === 0) return undefined;
    if (!usage) return `${rows === "azureml" ? "Azure ML " : ""}quota unknown${rows === "compute" && region.usagesError ? ` (${region.usagesError})` : ""}`;
    const found = findUsage(usage, row);
    if (!found) return `${row}: no usage row (quota unknown)`;
    const key = poolKey(subscription, region.name, rows, row);
    pools.set(key, { key, subscription, region: region.name, row: found.name, free: Math.max(0, found.limit - found.currentValue), limit: found.limit });
    const draw = draws.get(key) ?? { pool: key, perLearner: 0, perUnit: 0 };
    draw.perLearner += perLearner;
    draw.perUnit += perUnit;
    draws.set(key, draw);
    return undefined;
  };
  const sizeOf = (name: string) => region.skus?.find((s) => s.name.toLowerCase() === name.toLowerCase()) ?? catalog.get(name.toLowerCase());

  const problems: Array<string | undefined> = [];
  if ((demand.compute ?? "classic") === "classic") {
    const size = sizeOf(nodeType);
    if (!size) return { unknown: `${nodeType} vCPUs unknown` };
    const need = demand.nodes * size.vCPUs;
    const owner = ownerCluster ? need : 0;
    problems.push(charge("compute", region.usages, size.family, need, owner), charge("compute", region.usages, "cores", need, owner));
  }
  for (const vm of demand.stackVms ?? []) {
    const size = sizeOf(vm.vmSize);
    if (!size) return { unknown: `${vm.role}: ${vm.vmSize} vCPUs unknown` };
    const need = vm.count * size.vCPUs;
    if (vm.quota === "compute") {
      problems.push(charge("compute", region.usages, size.family, 0, need), charge("compute", region.usages, "cores", 0, need));
    } else {
      problems.push(charge("azureml", region.mlUsages, azureMlFamilyRow(size.family), 0, need), charge("azureml", region.mlUsages, AZURE_ML_TOTAL_ROW, 0, need));
    }
  }
  const problem = problems.find((p) => p !== undefined);
  if (problem) return { unknown: problem };
  return { draws: [...draws.values()], pools };
}
