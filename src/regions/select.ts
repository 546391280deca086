import { hasLiveCredentials, type Env } from "../azure/credentials";
import type { LabConfig } from "../config/lab-config";
import { activeEntries, type BlockEntry } from "./blocklist";
import { demandWithOverrides } from "./stack-demand";
import { NoEligibleRegionError, selectRegion, type Headroom, type SelectionResult } from "./evaluate";
import { demandFromConfig, type Demand } from "./demand";
import { needsAzureMlQuota } from "./stack-vms";
import { loadExampleSnapshot } from "./example";
import { servingListFor } from "./model-serving-regions";
import { serverlessWorkspaceSignals } from "./serverless-regions";
import type { SignalsSource } from "./render";
import { loadSnapshotFile, type RegionSignalsSnapshot } from "./signals";

/**
 * Where signals come from, and selection end to end for the CLI, the plan and the deploy flow:
 * a snapshot file when given, live ARM signals when credentials exist, else the bundled example.
 */

/** Reads live signals for a subscription (src/regions/sources); injected so tests and plan can swap it. */
export type LiveSignals = (request: { subscription?: string; env: Env; azureMlUsages?: boolean }) => Promise<RegionSignalsSnapshot>;

export interface SignalsRequest {
  fromSnapshot?: string;
  subscription?: string;
  env: Env;
  live?: LiveSignals;
  /** Read Azure ML's quota too (the demand has managed endpoints). */
  azureMlUsages?: boolean;
}

export interface ResolvedSignals {
  snapshot: RegionSignalsSnapshot;
  source: SignalsSource;
}

export async function resolveSignals(request: SignalsRequest): Promise<ResolvedSignals> {
  if (request.fromSnapshot) return { snapshot: loadSnapshotFile(request.fromSnapshot), source: { kind: "file", detail: request.fromSnapshot } };
  if (request.live && hasLiveCredentials(request.env)) {
    const snapshot = await request.live({ subscription: request.subscription, env: request.env, ...(request.azureMlUsages ? { azureMlUsages: true } : {}) });
    return { snapshot, source: { kind: "live", detail: snapshot.subscription.id } };
  }
  return { snapshot: loadExampleSnapshot(), source: { kind: "example", detail: "src/regions/example-snapshot.json" } };
}

export interface SelectOptions {
  seed: string | number;
  now?: Date;
  blocklist?: readonly BlockEntry[];
  env?: Env;
  canRegisterProviders?: boolean;
}

export function runSelection(snapshot: RegionSignalsSnapshot, demand: Demand, options: SelectOptions): SelectionResult {
  const now = options.now ?? new Date();
  return selectRegion(snapshot, demand, {
    seed: options.seed,
    now,
    blocklist: activeEntries(options.blocklist ?? [], now),
    modelServing: servingListFor(snapshot, options.env ?? process.env),
    serverlessWorkspaces: serverlessWorkspaceSignals(options.env ?? process.env),
    canRegisterProviders: options.canRegisterProviders,
  });
}

/** What `plan` shows about the region: the choice, where the signals came from, and why. */
export interface PlanRegionDecision {
  region: string;
  nodeType: string;
  source: "live" | "example-snapshot";
  /** Says "EXAMPLE" for the bundled snapshot, so the plan cannot be mistaken for a live check. */
  label: string;
  why: string;
  headroom: Headroom | null;
  eligibleRegions: number;
  excludedRegions: number;
}

export interface PlanSelectionOptions {
  /** Whether config.region was written in the stack (a preference) rather than defaulted. */
  regionIsPreference?: boolean;
  live?: LiveSignals;
  now?: Date;
}

/**
 * Region selection for `plan`: live when credentials exist (and a live reader is given), else the
 * bundled example snapshot. Never throws for lack of an eligible region: the plan is a preview, so it
 * keeps the configured region and says why. The seed is fixed so two plans print the same thing.
 */
export async function selectRegionForPlan(config: LabConfig, env: Env = process.env, options: PlanSelectionOptions = {}): Promise<PlanRegionDecision> {
  // The plan is a preview: when live signals cannot be read, it shows the example and says why.
  let resolved: ResolvedSignals;
  let liveProblem: string | undefined;
  try {
    resolved = await resolveSignals({ env, live: options.live, azureMlUsages: needsAzureMlQuota(demandFromConfig(config).stackVms) });
  } catch (error) {
    liveProblem = error instanceof Error ? error.message : String(error);
    resolved = await resolveSignals({ env });
  }
  const { snapshot, source } = resolved;
  const label = snapshot.example
    ? `${snapshot.example.label}${liveProblem ? ` (live signals could not be read: ${liveProblem})` : ""}`
    : `live signals of subscription ${snapshot.subscription.id} read ${snapshot.capturedAt}`;
  const kind = source.kind === "live" ? "live" : "example-snapshot";
  const inSnapshot = snapshot.regions.some((r) => r.name === config.region);
  const demand = demandWithOverrides(config, (options.regionIsPreference ?? false) && inSnapshot);
  try {
    const result = runSelection(snapshot, demand, { seed: "plan", now: options.now ?? new Date(snapshot.capturedAt), env });
    const excluded = result.verdicts.filter((v) => !v.eligible).length;
    return {
      region: result.choice.region,
      nodeType: result.choice.nodeType,
      source: kind,
      label,
      why: result.choice.why,
      headroom: result.choice.headroom,
      eligibleRegions: result.verdicts.length - excluded,
      excludedRegions: excluded,
    };
  } catch (error) {
    if (!(error instanceof NoEligibleRegionError)) throw error;
    const verdicts = Object.values(error.verdictsByNodeType)[0] ?? [];
    return {
      region: config.region,
      nodeType: config.nodeType,
      source: kind,
      label,
      why: `kept the configured region because selection found none: ${error.message}`,
      headroom: null,
      eligibleRegions: 0,
      excludedRegions: verdicts.length,
    };
  }
}
