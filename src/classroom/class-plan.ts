import * as fs from "node:fs";
import { UserInputError } from "../errors";
import { GUID_PATTERN } from "../config/guid";
import type { LabConfig } from "../config/lab-config";
import { regionPrices, type PricesMode } from "../plan/sources/retail-prices";
import { activeEntries, type BlockEntry } from "../regions/blocklist";
import type { Demand } from "../regions/demand";
import { userGeography } from "../regions/geography";
import { servingListFor } from "../regions/model-serving-regions";
import { serverlessWorkspaceSignals } from "../regions/serverless-regions";
import { loadSnapshotFile, type RegionSignalsSnapshot } from "../regions/signals";
import { demandForStack } from "../regions/stack-demand";
import { classCandidates } from "./candidates";
import { classCost } from "./cost";
import { planClass, type ClassPlan } from "./plan";
import { parseRoster, type Roster } from "./roster";
import { classIdFor, classUnits, parseLayout, type ClassUnit, type LayoutOptions } from "./units";

/**
 * `class plan` end to end, with its inputs read at the edge: the roster file, the stack's demand, the
 * signals of every subscription (snapshots, or a live reader passed in), live prices for the chosen
 * regions; then the pure plan (./plan.ts) and its cost (./cost.ts). `class up` starts from the same.
 */
export interface ClassOptions {
  roster: string;
  stack: string;
  class?: string;
  layout?: string;
  perWorkspace?: string;
  geography?: string;
  seed?: string;
}

export interface ClassSetup {
  classId: string;
  roster: Roster;
  stack: string;
  config: LabConfig;
  demand: Demand;
  layout: LayoutOptions;
  units: ClassUnit[];
  seed: string;
}

export function readRosterFile(file: string): Roster {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserInputError(`roster ${file} ${code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a folder" : `cannot be read (${code ?? "error"})`}; give a CSV file with a 'learner' column`);
  }
  return parseRoster(text, file);
}

export function classSetup(options: ClassOptions): ClassSetup {
  const layout = parseLayout(options.layout, options.perWorkspace);
  const classId = classIdFor(options.class, options.roster);
  if (options.seed !== undefined && !/^[A-Za-z0-9._-]{1,40}$/.test(options.seed)) throw new UserInputError(`--seed '${options.seed}' is not a seed; use letters, digits, '.', '_' or '-'`);
  const roster = readRosterFile(options.roster);
  const { stack, config, demand } = demandForStack(options.stack, { geography: options.geography });
  return { classId, roster, stack, config, demand, layout, units: classUnits(roster.learners, layout), seed: options.seed ?? classId };
}

export interface SignalsSource {
  subscription: string;
  kind: "file" | "live";
  detail: string;
  capturedAt: string;
  example?: string;
}

/** `--subscription` values, lower case; a value that is not a subscription id is a one-line error. */
export function subscriptionOptions(values: readonly string[] | undefined): string[] {
  return (values ?? []).map((value) => {
    const id = value.trim();
    if (!GUID_PATTERN.test(id)) throw new UserInputError(`--subscription '${value}' is not a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)`);
    return id.toLowerCase();
  });
}

export type LiveReader = (subscription: string | undefined) => Promise<RegionSignalsSnapshot>;

/**
 * The subscriptions a class may use and their signals: one snapshot file per subscription (offline), or
 * live signals of every --subscription and every subscription the roster names (the signed-in default
 * when none is named).
 */
export async function classSignals(
  setup: Pick<ClassSetup, "roster">,
  options: { fromSnapshot?: readonly string[]; subscription?: readonly string[] },
  live: LiveReader | undefined,
): Promise<{ snapshots: RegionSignalsSnapshot[]; sources: SignalsSource[] }> {
  const pinned = [...new Set(setup.roster.learners.map((l) => l.subscription).filter((s): s is string => s !== undefined))];
  const requested = [...new Set([...subscriptionOptions(options.subscription), ...pinned])];
  let snapshots: RegionSignalsSnapshot[];
  let sources: SignalsSource[];
  if (options.fromSnapshot && options.fromSnapshot.length > 0) {
    snapshots = options.fromSnapshot.map((file) => loadSnapshotFile(file));
    sources = snapshots.map((s, i) => ({ subscription: s.subscription.id.toLowerCase(), kind: "file", detail: options.fromSnapshot![i]!, capturedAt: s.capturedAt, ...(s.example ? { example: s.example.label } : {}) }));
    const ids = sources.map((s) => s.subscription);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice) throw new UserInputError(`--from-snapshot: two snapshots are of subscription ${twice}; give one snapshot per subscription`);
    const missing = requested.filter((s) => !ids.includes(s));
    if (missing.length > 0) {
      const who = setup.roster.learners.find((l) => l.subscription === missing[0]);
      throw new UserInputError(`${who ? `roster ${setup.roster.file} line ${who.line} names` : "--subscription names"} subscription ${missing[0]}, but no --from-snapshot is of it (snapshots are of ${ids.join(", ")})`);
    }
    if (options.subscription && options.subscription.length > 0) {
      const keep = new Set([...requested]);
      const kept = snapshots.filter((s) => keep.has(s.subscription.id.toLowerCase()));
      sources = sources.filter((s) => keep.has(s.subscription));
      snapshots = kept;
    }
  } else {
    if (!live) throw new UserInputError("class plan needs signals: sign in to Azure (az login) or pass --from-snapshot FILE for each subscription");
    const targets: Array<string | undefined> = requested.length > 0 ? requested : [undefined];
    snapshots = await Promise.all(targets.map((s) => live(s)));
    sources = snapshots.map((s) => ({ subscription: s.subscription.id.toLowerCase(), kind: "live", detail: `live signals of ${s.subscription.id}`, capturedAt: s.capturedAt }));
  }
  return { snapshots, sources };
}

export interface PlanOptions {
  env?: NodeJS.ProcessEnv;
  blocklist?: readonly BlockEntry[];
  prices?: PricesMode;
  now?: Date;
  fixed?: ReadonlyMap<string, { subscription: string; region: string; nodeType: string }>;
}

export async function buildClassPlan(setup: ClassSetup, snapshots: readonly RegionSignalsSnapshot[], options: PlanOptions = {}): Promise<ClassPlan> {
  const env = options.env ?? process.env;
  const now = options.now ?? new Date(Math.max(...snapshots.map((s) => Date.parse(s.capturedAt)).filter(Number.isFinite), 0) || Date.now());
  const evaluate = {
    seed: setup.seed,
    now,
    blocklist: activeEntries(options.blocklist ?? [], now),
    modelServing: servingListFor(snapshots[0] ?? { modelServing: { regions: [], retrievedAt: "", source: "" } }, env),
    serverlessWorkspaces: serverlessWorkspaceSignals(env),
  };
  const candidates = classCandidates(snapshots, setup.demand, evaluate, { ownerCluster: setup.layout.layout === "shared" });
  const allRegions = snapshots.flatMap((s) => s.regions);
  const geography = userGeography(allRegions, setup.demand.preferredRegion, setup.demand.location)?.geography;
  const plan = planClass({
    classId: setup.classId,
    stack: setup.stack,
    layout: setup.layout,
    units: setup.units,
    candidates,
    seed: setup.seed,
    ...(geography ? { geography } : {}),
    ...(options.fixed ? { fixed: options.fixed } : {}),
  });

  const placed = new Map<string, { region: string; nodeType: string; learners: number }>();
  for (const a of plan.assignments) {
    const entry = placed.get(a.workspace) ?? { region: a.region, nodeType: a.nodeType, learners: 0 };
    entry.learners += 1;
    placed.set(a.workspace, entry);
  }
  const regions = [...new Set(plan.assignments.map((a) => a.region))];
  const skus = [...new Set([...plan.assignments.map((a) => a.nodeType), ...(setup.demand.stackVms ?? []).map((vm) => vm.vmSize)])];
  const prices = await regionPrices({ regions, skus, mode: options.prices ?? "auto", env });
  const tables = new Map(prices.map((p) => [p.region, p.table] as const));
  const cost = classCost(setup.config, [...placed.values()], (region) => tables.get(region)!);
  return {
    ...plan,
    costPerHour: cost.costPerHour,
    cost: { ...cost, prices: prices.map((p) => ({ region: p.region, source: p.source, retrievedAt: p.retrievedAt, ...(p.problem ? { problem: p.problem } : {}) })) },
  };
}
