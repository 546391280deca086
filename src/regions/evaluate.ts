import { OperationFailedError, UserInputError } from "../errors";
import { type BlockEntry, describeBlock, matchingBlocks } from "./blocklist";
import type { Demand } from "./demand";
import { parseNodeType } from "../config/lab-config";
import { KNOWN_SERVING_DISCREPANCIES } from "./model-serving-regions";
import { serverlessWorkspaceSignals, type ServerlessWorkspaceSignals } from "./serverless-regions";
import { normalizeLocation, normalizeResourceType } from "./normalize";
import { rankNearUser, regionGeography, userGeography } from "./geography";
import { pickIndex } from "./seeded-random";
import { findUsage, quotaLine, restrictionReason } from "./quota-rows";
import { checkStackVms } from "./stack-quota";
import { normalizeSnapshot, type ModelServingSignals, type RegionSignals, type RegionSignalsSnapshot } from "./signals";

/**
 * Pure region evaluation: signals × demand → a verdict for every region and one choice. No I/O, no
 * clock (the caller passes `now`), no ambient randomness (the caller passes a seed).
 */

export type Constraint = "blocked" | "policy" | "offering" | "provider" | "serving" | "serverless" | "size" | "quota";

export interface Reason {
  constraint: Constraint;
  text: string;
}

export interface Headroom {
  vCPUsNeeded: number;
  /** The size's quota family row; null when unknown. */
  family: { name: string; free: number; limit: number } | null;
  /** "Total Regional vCPUs"; null when unknown. */
  cores: { free: number; limit: number } | null;
  /** vCPUs left after the lab's cluster: min(family free, cores free) − need; null when neither is known. */
  spare: number | null;
}

export interface RegionVerdict {
  region: string;
  displayName?: string;
  /** ARM's geography group ("Europe"), when known. */
  geography?: string;
  nodeType: string;
  eligible: boolean;
  /** Why the region is excluded (empty when eligible). */
  reasons: Reason[];
  /** Caveats on an eligible region: unknown signals, providers that will be registered. */
  notes: string[];
  headroom: Headroom | null;
  /** 1 = the choice; only on eligible regions. */
  rank?: number;
}

export interface RegionChoice {
  region: string;
  nodeType: string;
  headroom: Headroom;
  why: string;
}

export interface NodeTypeAttempt {
  nodeType: string;
  eligibleRegions: number;
}

export interface SelectionResult {
  choice: RegionChoice;
  /** Verdicts for the chosen node type: the choice first, other eligible regions by rank, then the excluded. */
  verdicts: RegionVerdict[];
  nodeTypesTried: NodeTypeAttempt[];
  seed: string;
  /** Caveats that hold for the whole subscription (unknown policy, providers to register): said once. */
  notes: string[];
}

export interface EvaluateOptions {
  seed: string | number;
  now: Date;
  blocklist?: readonly BlockEntry[];
  /** The serving list to use (defaults to the snapshot's). */
  modelServing?: ModelServingSignals;
  /** Where Serverless workspaces exist, for a serverless demand (defaults to the bundled list). */
  serverlessWorkspaces?: ServerlessWorkspaceSignals;
  /** Whether unregistered providers may be registered by the deploy (default true). */
  canRegisterProviders?: boolean;
}

/** No region fits any node type. One line names the constraint that excluded most regions and the fix. */
export class NoEligibleRegionError extends OperationFailedError {
  constructor(
    message: string,
    readonly verdictsByNodeType: Record<string, RegionVerdict[]>,
    readonly nodeTypesTried: NodeTypeAttempt[],
    readonly notes: string[] = [],
  ) {
    super(message);
    this.name = "NoEligibleRegionError";
  }
}

/** The subscription itself cannot host a lab (Disabled, PastDue, Deleted): said once, no region is evaluated. */
export class SubscriptionNotUsableError extends NoEligibleRegionError {
  constructor(subscription: { id: string; displayName?: string; state: string }) {
    const name = subscription.displayName ? `${subscription.displayName} (${subscription.id})` : subscription.id;
    super(`subscription ${name} is ${subscription.state}: nothing can be deployed in it; use another subscription (az account list; --subscription ID)`, {}, []);
    this.name = "SubscriptionNotUsableError";
  }
}

const USABLE_SUBSCRIPTION_STATES = new Set(["enabled", "warned"]);

/** Whether a lab can use a subscription in this state: enabled or warned, not disabled, past due or deleted. */
export function isUsableSubscriptionState(state: string): boolean {
  return USABLE_SUBSCRIPTION_STATES.has(state.toLowerCase());
}
const TRIAL_QUOTA_IDS = /freetrial|azureforstudents|azurepass|msdn|sponsored/i;

export interface SizeInfo {
  name: string;
  family: string;
  vCPUs: number;
}

/** Family and vCPUs of a size do not depend on the region: learn them from any region that lists it. */
export function sizeCatalog(regions: readonly RegionSignals[]): Map<string, SizeInfo> {
  const catalog = new Map<string, SizeInfo>();
  for (const region of regions) {
    for (const sku of region.skus ?? []) {
      const key = sku.name.toLowerCase();
      if (!catalog.has(key)) catalog.set(key, { name: sku.name, family: sku.family, vCPUs: sku.vCPUs });
    }
  }
  return catalog;
}

function providerState(snapshot: RegionSignalsSnapshot, namespace: string): string | undefined {
  return snapshot.providers[namespace.toLowerCase()];
}

export function evaluateRegion(
  snapshot: RegionSignalsSnapshot,
  region: RegionSignals,
  demand: Demand,
  nodeType: string,
  options: EvaluateOptions,
  catalog: Map<string, SizeInfo> = sizeCatalog(snapshot.regions),
): RegionVerdict {
  const reasons: Reason[] = [];
  const notes: string[] = [];
  const name = normalizeLocation(region.name);
  const serving = options.modelServing ?? snapshot.modelServing;

  const allowed = snapshot.policy.allowedLocations;
  if (allowed !== null && !allowed.includes(name)) {
    const by = snapshot.policy.assignments?.length ? ` (${snapshot.policy.assignments.join(", ")})` : "";
    reasons.push({ constraint: "policy", text: `not allowed by policy${by}` });
  }

  for (const type of demand.resourceTypes) {
    const locations = snapshot.resourceTypes[normalizeResourceType(type)];
    if (locations !== undefined && locations !== null && !locations.includes(name)) reasons.push({ constraint: "offering", text: `${type} not offered` });
  }

  for (const namespace of demand.providers) {
    const state = providerState(snapshot, namespace);
    if (state !== undefined && state.toLowerCase() !== "registered" && options.canRegisterProviders === false) {
      reasons.push({ constraint: "provider", text: `provider ${namespace} ${state} (ask an admin to register it)` });
    }
  }

  if (demand.servingRequired && !serving.regions.includes(name)) {
    const known = KNOWN_SERVING_DISCREPANCIES[name];
    reasons.push({ constraint: "serving", text: known ? `no model serving (${known})` : "no model serving" });
  }

  const serverless = demand.compute === "serverless";
  if (serverless && !(options.serverlessWorkspaces ?? serverlessWorkspaceSignals({})).regions.includes(name)) {
    reasons.push({ constraint: "serverless", text: "no serverless workspaces" });
  }

  // The size: present and unrestricted here, and its family and vCPUs for the quota check. A serverless
  // lab runs no VM of the subscription: neither matters to it.
  let size: SizeInfo | undefined;
  if (serverless) {
    // no VM, no quota
  } else if (region.skus === null) {
    size = catalog.get(nodeType.toLowerCase());
    notes.push(`VM sizes unknown${region.skusError ? ` (${region.skusError})` : ""}`);
  } else {
    const sku = region.skus.find((row) => row.name.toLowerCase() === nodeType.toLowerCase());
    if (!sku) {
      reasons.push({ constraint: "size", text: `${nodeType} not offered here` });
    } else {
      size = { name: sku.name, family: sku.family, vCPUs: sku.vCPUs };
      const restricted = restrictionReason(sku);
      if (restricted) reasons.push({ constraint: "size", text: restricted });
    }
  }

  // The stack's other VMs (AKS node pool, managed endpoint instances): offered, unrestricted, within quota.
  const stack = checkStackVms(region, demand.stackVms ?? [], catalog, size?.family);

  let headroom: Headroom | null = null;
  if (size) {
    const need = demand.nodes * size.vCPUs;
    // AKS nodes draw on the same regional cores, and on the node's family when they share it.
    const familyNeed = need + stack.computeVCPUsOf(size.family);
    const coresNeed = need + stack.computeVCPUs;
    let family: Headroom["family"] = null;
    let cores: Headroom["cores"] = null;
    if (region.usages === null) {
      notes.push(`quota unknown${region.usagesError ? ` (${region.usagesError})` : ""}`);
    } else {
      const familyRow = findUsage(region.usages, size.family);
      if (!familyRow) notes.push(`${size.family}: no usage row (unknown)`);
      else {
        const line = quotaLine(size.family, familyRow, familyNeed);
        family = { name: size.family, free: line.free, limit: line.limit };
        if (line.text) reasons.push({ constraint: "quota", text: line.text });
      }
      const coresRow = findUsage(region.usages, "cores");
      if (!coresRow) notes.push("cores: no usage row (unknown)");
      else {
        const line = quotaLine("cores", coresRow, coresNeed);
        cores = { free: line.free, limit: line.limit };
        if (line.text) reasons.push({ constraint: "quota", text: line.text });
      }
    }
    const known = [family ? family.free - familyNeed : undefined, cores ? cores.free - coresNeed : undefined].filter((v): v is number => v !== undefined);
    headroom = { vCPUsNeeded: need, family, cores, spare: known.length ? Math.min(...known) : null };
  } else if (region.skus === null && !serverless) {
    notes.push(`${nodeType} vCPUs unknown: quota not checked`);
  } else if (serverless && stack.computeVCPUs > 0 && region.usages !== null) {
    // No Databricks node, but the AKS pool still draws on the regional vCPUs.
    const coresRow = findUsage(region.usages, "cores");
    if (!coresRow) notes.push("cores: no usage row (unknown)");
    else {
      const line = quotaLine("cores", coresRow, stack.computeVCPUs);
      if (line.text) reasons.push({ constraint: "quota", text: line.text });
    }
  }

  reasons.push(...stack.reasons);
  notes.push(...stack.notes);

  // A serverless lab runs no Databricks VM: only blocks on its other VMs' sizes and families apply.
  const blockQuery = { region: name, nodeType: serverless ? "" : nodeType, family: size?.family, servingRequired: demand.servingRequired, stack: stack.blockScopes };
  for (const block of matchingBlocks(options.blocklist ?? [], blockQuery, options.now)) {
    if (serverless && (demand.stackVms ?? []).length === 0 && (block.nodeType || block.family)) continue;
    reasons.push({ constraint: "blocked", text: describeBlock(block) });
  }

  const geography = regionGeography(region);
  return {
    region: name,
    displayName: region.displayName,
    ...(geography ? { geography } : {}),
    nodeType: size?.name ?? nodeType,
    eligible: reasons.length === 0,
    reasons,
    notes: reasons.length === 0 ? notes : [],
    headroom,
  };
}

/**
 * Caveats that are the same for every region, so they are said once for the selection instead of on
 * every row: an unknown policy, unknown offerings or provider states, providers the deploy registers.
 */
export function subscriptionNotes(snapshot: RegionSignalsSnapshot, demand: Demand, options: Pick<EvaluateOptions, "canRegisterProviders">): string[] {
  const notes: string[] = [];
  if (snapshot.policy.allowedLocations === null && snapshot.policy.error) notes.push(`policy unknown (${snapshot.policy.error})`);
  for (const type of demand.resourceTypes) {
    const locations = snapshot.resourceTypes[normalizeResourceType(type)];
    if (locations === undefined || locations === null) notes.push(`${type} offering unknown${snapshot.resourceTypesError ? ` (${snapshot.resourceTypesError})` : ""}`);
  }
  for (const namespace of demand.providers) {
    const state = providerState(snapshot, namespace);
    if (state === undefined) notes.push(`provider ${namespace} state unknown${snapshot.providersError ? ` (${snapshot.providersError})` : ""}`);
    else if (state.toLowerCase() === "registered" || options.canRegisterProviders === false) continue;
    else if (state.toLowerCase() === "registering") notes.push(`provider ${namespace} registering (will wait)`);
    else notes.push(`provider ${namespace} not registered (will register)`);
  }
  return notes;
}

/** Eligible verdicts best first; near-equal leaders shuffled by the seed so a classroom spreads. */
function rankEligible(eligible: RegionVerdict[], demand: Demand, seed: string | number, nodeType: string): { ranked: RegionVerdict[]; why: string } {
  const byName = (a: RegionVerdict, b: RegionVerdict) => a.region.localeCompare(b.region);
  const known = eligible.filter((v) => v.headroom?.spare != null).sort((a, b) => b.headroom!.spare! - a.headroom!.spare! || byName(a, b));
  const unknown = eligible.filter((v) => v.headroom?.spare == null).sort(byName);

  const preferred = demand.preferredRegion ? eligible.find((v) => v.region === demand.preferredRegion) : undefined;
  if (preferred) {
    const rest = [...known, ...unknown].filter((v) => v !== preferred);
    return { ranked: [preferred, ...rest], why: `${preferred.region} was asked for and fits` };
  }

  let leaders: RegionVerdict[];
  let why: string;
  if (demand.compute === "serverless") {
    leaders = unknown;
    why = `serverless compute uses no VM quota: seeded pick among ${leaders.length} regions with serverless workspaces (spreads a classroom)`;
  } else if (known.length > 0) {
    const best = known[0]!.headroom!.spare!;
    const need = known[0]!.headroom!.vCPUsNeeded;
    // "Near-equal": within one more cluster's worth of vCPUs, or 10 % of the best headroom.
    const window = Math.max(need, Math.ceil(best * 0.1));
    leaders = known.filter((v) => v.headroom!.spare! >= best - window);
    why = leaders.length > 1
      ? `most headroom (${leaders.length} regions within ${window} vCPUs of the best ${best} spare; seeded pick spreads a classroom)`
      : `most headroom (${best} vCPUs spare after the lab's ${need})`;
  } else {
    leaders = unknown;
    why = `quota could not be read anywhere, so headroom is unknown; seeded pick among ${leaders.length} otherwise eligible regions`;
  }
  const pick = leaders[pickIndex(leaders.length, `${seed}:${nodeType}`)]!;
  const ranked = [pick, ...known.filter((v) => v !== pick), ...unknown.filter((v) => v !== pick)];
  return { ranked, why };
}

function validateInputs(snapshot: RegionSignalsSnapshot, demand: Demand, catalog: Map<string, SizeInfo>): void {
  const names = new Set(snapshot.regions.map((r) => normalizeLocation(r.name)));
  if (demand.preferredRegion && !names.has(demand.preferredRegion)) {
    const sample = [...names].sort().slice(0, 8).join(", ");
    throw new UserInputError(`region '${demand.preferredRegion}' is not an Azure region of this subscription's signals; use a programmatic name such as ${sample}`);
  }
  if (demand.nodeTypes.length === 0) throw new UserInputError("nodeType is empty; give a VM size such as Standard_DS3_v2");
  for (const nodeType of demand.nodeTypes) parseNodeType("node type", nodeType);
  // A serverless lab runs no VM: whether the node type exists anywhere does not matter to it.
  if (demand.compute === "serverless") return;
  // The node type asked for must exist somewhere; a fallback that exists nowhere is simply not offered.
  const primary = demand.nodeTypes[0]!;
  {
    const nodeType = primary;
    const anySkusKnown = snapshot.regions.some((r) => r.skus !== null);
    if (anySkusKnown && !catalog.has(nodeType.toLowerCase())) {
      const fourCore = [...catalog.values()].filter((s) => s.vCPUs === 4).map((s) => s.name).sort().slice(0, 6).join(", ");
      throw new UserInputError(`node type '${nodeType}' is not listed in any region of this subscription; 4-vCPU sizes that are: ${fourCore || "none"}`);
    }
  }
}

const CONSTRAINT_ADVICE: Record<Constraint, (ctx: AdviceContext) => string> = {
  quota: (ctx) =>
    ctx.trial
      ? `this ${ctx.quotaId} subscription cannot raise quota: use another subscription${ctx.otherTypes}`
      : `request a quota increase for ${ctx.family ?? "the size's family"} and Total Regional vCPUs (https://aka.ms/ProdportalCRP), try another node type (--node-type), or use another subscription`,
  size: (ctx) => `try another node type (--node-type, e.g. ${ctx.suggestion}) or another subscription`,
  serving: () => `pick a region with Databricks model serving, or correct the list with MLFLOW_LAB_MODEL_SERVING_REGIONS`,
  serverless: () => `pick a region with serverless workspaces, correct the list with MLFLOW_LAB_SERVERLESS_REGIONS, or use compute classic`,
  policy: (ctx) => `your subscription's policy allows only ${ctx.allowed}: ask its admin, or use another subscription`,
  offering: () => `use another subscription (the resource types are not offered in its regions)`,
  provider: () => `ask a subscription admin to register the providers, or use another subscription`,
  blocked: () => `wait for the earlier failures' blocks to expire (shown per region), or delete region-blocklist.json in the state directory`,
};

interface AdviceContext {
  trial: boolean;
  quotaId: string;
  family?: string;
  suggestion: string;
  allowed: string;
  otherTypes: string;
}

/** The constraints that excluded regions, most frequent first; each region counted once, under its first reason. */
function exclusionCounts(verdicts: readonly RegionVerdict[]): Array<[Constraint, number]> {
  const counts = new Map<Constraint, number>();
  for (const verdict of verdicts) {
    const first = verdict.reasons[0];
    if (first) counts.set(first.constraint, (counts.get(first.constraint) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

const countsText = (ordered: Array<[Constraint, number]>) => ordered.map(([constraint, n]) => `${constraint} ${n}`).join(", ");

/** Why a node type fit no region: "excluded by quota 12, size 3; e.g. eastus: standardDSv2Family: 2 of 10 free, need 4". */
function whyNowhere(verdicts: readonly RegionVerdict[]): string {
  const ordered = exclusionCounts(verdicts);
  const top = ordered[0]?.[0];
  const example = verdicts.find((v) => v.reasons[0]?.constraint === top);
  return `excluded by ${countsText(ordered)}${example ? `; e.g. ${example.region}: ${example.reasons[0]!.text}` : ""}`;
}

function noEligibleMessage(snapshot: RegionSignalsSnapshot, demand: Demand, byType: Record<string, RegionVerdict[]>): string {
  const primary = byType[demand.nodeTypes[0]!] ?? [];
  const ordered = exclusionCounts(primary);
  const summary = countsText(ordered);
  const top = ordered[0]?.[0] ?? "size";
  const quotaId = snapshot.subscription.quotaId ?? "";
  const family = primary.find((v) => v.headroom?.family)?.headroom?.family?.name;
  const sizes = sizeCatalog(snapshot.regions);
  const suggestion = [...sizes.values()].filter((s) => s.vCPUs === 4 && !demand.nodeTypes.some((t) => t.toLowerCase() === s.name.toLowerCase())).map((s) => s.name).sort()[0] ?? "Standard_D4ds_v5";
  const advice = CONSTRAINT_ADVICE[top]({
    trial: TRIAL_QUOTA_IDS.test(quotaId),
    quotaId: quotaId || "trial",
    family,
    suggestion,
    allowed: snapshot.policy.allowedLocations?.join(", ") ?? "some regions",
    otherTypes: ` or another node type (--node-type ${suggestion})`,
  });
  const types = demand.compute === "serverless" ? "a serverless lab" : demand.nodeTypes.join(", ");
  return `no eligible region for ${types} among ${primary.length} regions (excluded by ${summary}); ${advice}`;
}

/**
 * Evaluates every region for the first node type; falls back to the next node type only when no
 * region fits the one before. Throws NoEligibleRegionError when none fits any.
 */
export function selectRegion(input: RegionSignalsSnapshot, demand: Demand, options: EvaluateOptions): SelectionResult {
  const snapshot = normalizeSnapshot(input);
  if (!isUsableSubscriptionState(snapshot.subscription.state)) throw new SubscriptionNotUsableError(snapshot.subscription);
  const catalog = sizeCatalog(snapshot.regions);
  validateInputs(snapshot, demand, catalog);
  const notes = subscriptionNotes(snapshot, demand, options);
  const nodeTypesTried: NodeTypeAttempt[] = [];
  const byType: Record<string, RegionVerdict[]> = {};
  const regions = [...snapshot.regions].sort((a, b) => normalizeLocation(a.name).localeCompare(normalizeLocation(b.name)));

  for (const nodeType of demand.nodeTypes) {
    const verdicts = regions.map((region) => evaluateRegion(snapshot, region, demand, nodeType, options, catalog));
    const eligible = verdicts.filter((v) => v.eligible);
    nodeTypesTried.push({ nodeType: verdicts[0]?.nodeType ?? nodeType, eligibleRegions: eligible.length });
    byType[nodeType] = verdicts;
    if (eligible.length === 0) continue;

    const near = userGeography(snapshot.regions, demand.preferredRegion, demand.location);
    const { ranked, why } = rankNearUser(eligible, snapshot.regions, near, (pool) => rankEligible(pool, demand, options.seed, nodeType), demand.preferredRegion);
    ranked.forEach((verdict, index) => (verdict.rank = index + 1));
    const excluded = verdicts.filter((v) => !v.eligible);
    const chosen = ranked[0]!;
    let reason = why;
    if (demand.preferredRegion && chosen.region !== demand.preferredRegion) {
      const passed = excluded.find((v) => v.region === demand.preferredRegion);
      reason = `${demand.preferredRegion} was asked for but is excluded (${passed?.reasons.map((r) => r.text).join("; ") ?? "not eligible"}); ${why}`;
    }
    const fallbackNote = nodeTypesTried.length > 1
      ? `; ${demand.nodeTypes.slice(0, nodeTypesTried.length - 1).map((t) => `${byType[t]![0]?.nodeType ?? t} fits no region (${whyNowhere(byType[t]!)})`).join("; ")}, so the fallback ${chosen.nodeType} is used`
      : "";
    return {
      choice: {
        region: chosen.region,
        nodeType: chosen.nodeType,
        headroom: chosen.headroom ?? { vCPUsNeeded: 0, family: null, cores: null, spare: null },
        why: reason + fallbackNote,
      },
      verdicts: [...ranked, ...excluded],
      nodeTypesTried,
      seed: String(options.seed),
      notes,
    };
  }
  throw new NoEligibleRegionError(noEligibleMessage(snapshot, demand, byType), byType, nodeTypesTried, notes);
}

/** Provider namespaces the deploy must register before creating anything (for the deploy flow). */
export function providersToRegister(input: RegionSignalsSnapshot, demand: Demand): string[] {
  const snapshot = normalizeSnapshot(input);
  return demand.providers.filter((namespace) => {
    const state = providerState(snapshot, namespace);
    return state !== undefined && state.toLowerCase() !== "registered";
  });
}

