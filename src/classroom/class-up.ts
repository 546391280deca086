import { systemClock, type Clock } from "../azure/clock";
import type { ArmBudget } from "../azure/arm-budget";
import type { TokenBucket } from "../azure/pacing";
import { PROJECT_NAME } from "../config/lab-config";
import { readStackSettings } from "../config/stack-settings";
import type { Deployer, StackConfig } from "../deploy/deployer";
import { CONFIG_KEY, deployWithFailover, type BlocklistLike } from "../deploy/failover-flow";
import type { LabArm } from "../deploy/lab-arm";
import { labNames } from "../lab/naming";
import type { RegionSignalsSnapshot } from "../regions/signals";
import type { ClassSetup } from "./class-plan";
import type { ClassPlan } from "./plan";
import type { RosterRow } from "./roster-out";
import { listClassGroups, type ClassGroup } from "./sources/class-groups";
import { LabStartGate } from "./start-gate";
import { ClassStateStore, CLASS_STATE_FORMAT, type ClassState, type UnitState } from "./state";
import { inShard, unitStack, unitSuffix, type ClassUnit, type ShardOptions } from "./units";

/**
 * `class up`: every lab of the plan (of this shard), deployed through the same failover flow as
 * `mlflow-lab deploy`, at most `concurrency` at once and no faster than each subscription's ARM write
 * budget lets the labs' writes through (./start-gate.ts). Resumable: the state file says which labs are
 * ready, and Azure says which exist (their names follow from the class id, ./units.ts), so a re-run after
 * a crash continues with the rest and a lab that exists is resumed in place, never made twice.
 */
export interface ClassUpDeps {
  deployer: Deployer;
  /** Lab checks (groups, workspace, providers, soft delete) in one subscription. */
  labArm(subscription: string): LabArm;
  /** Paced ARM reads, for finding the class's labs in Azure. */
  budget: ArmBudget;
  blocklist: BlocklistLike;
  clock?: Clock;
}

export type UnitPhase = "queued" | "deploying" | "ready" | "failed" | "unplaced" | "skipped";

export interface UnitEvent {
  unit: string;
  learners: string[];
  phase: UnitPhase;
  region?: string;
  detail?: string;
}

export interface ClassUpOptions {
  setup: ClassSetup;
  plan: ClassPlan;
  /** Signals per subscription (lower-case id), for failover's choices. */
  snapshots: ReadonlyMap<string, RegionSignalsSnapshot>;
  shard: ShardOptions;
  store: ClassStateStore;
  concurrency: number;
  /** ARM writes one lab sends (./lab-writes.ts). */
  writesPerLab: number;
  /** The write bucket to pace starts to (default ARM's documented one: 200, 10 per second). */
  writeBucket?: TokenBucket;
  /** Owner of shared workspaces (the instructor); per-learner labs belong to their learner. */
  owner?: string;
  pollMs?: number;
  onEvent?(event: UnitEvent): void;
  onProgress?(unit: string, line: string): void;
}

export interface ClassUpResult {
  classId: string;
  shard: ShardOptions;
  units: UnitState[];
  rows: RosterRow[];
  counts: Record<UnitPhase, number>;
}

export async function classUp(deps: ClassUpDeps, options: ClassUpOptions): Promise<ClassUpResult> {
  const { setup, plan } = options;
  const clock = deps.clock ?? systemClock;
  const now = () => new Date(clock.now()).toISOString();
  const units = setup.units.filter((u) => inShard(u.key, options.shard));
  const state: ClassState = options.store.load() ?? {
    format: CLASS_STATE_FORMAT,
    classId: setup.classId,
    stack: setup.stack,
    layout: setup.layout.layout,
    ...(setup.layout.perWorkspace ? { perWorkspace: setup.layout.perWorkspace } : {}),
    units: {},
  };

  // What Azure already has of this class (a lab whose state was lost is found by its group's name).
  const subscriptions = [...new Set([...plan.assignments.map((a) => a.subscription), ...Object.values(state.units).map((u) => u.subscription).filter((s): s is string => !!s)])];
  const found = new Map<string, ClassGroup>();
  for (const group of (await Promise.all(subscriptions.map((s) => listClassGroups(deps.budget, s, setup.classId)))).flat()) found.set(group.name.toLowerCase(), group);

  const placeOf = new Map(plan.assignments.map((a) => [a.workspace, a] as const));
  const unplacedReason = new Map(plan.unassigned.map((u) => [u.learner, u.reason] as const));
  const gate = new LabStartGate(clock, options.concurrency, options.writeBucket);
  const counts: Record<UnitPhase, number> = { queued: 0, deploying: 0, ready: 0, failed: 0, unplaced: 0, skipped: 0 };

  const update = async (unit: ClassUnit, patch: Partial<UnitState> & { status: UnitState["status"] }) => {
    const previous = state.units[unit.key];
    state.units[unit.key] = { ...(previous ?? { key: unit.key, stack: unitStack(setup.classId, unit.key), learners: unit.learners.map((l) => l.learner) }), ...patch, updatedAt: now() } as UnitState;
    await options.store.save(state);
  };
  const emit = (unit: ClassUnit, phase: UnitPhase, extra: Partial<UnitEvent> = {}) => {
    options.onEvent?.({ unit: unit.key, learners: unit.learners.map((l) => l.learner), phase, ...extra });
  };

  const work = units.map(async (unit) => {
    const suffix = unitSuffix(setup.classId, unit.key);
    const resourceGroup = labNames(suffix).resourceGroup;
    const existing = found.get(resourceGroup.toLowerCase());
    const previous = state.units[unit.key];
    if (previous?.status === "ready" && existing && existing.provisioningState?.toLowerCase() !== "deleting") {
      counts.skipped++;
      emit(unit, "skipped", { region: previous.region, detail: "ready (an earlier run deployed it)" });
      return;
    }
    const planned = placeOf.get(unit.key);
    // A lab that exists stays in its subscription and region; otherwise the plan decides.
    const place = existing
      ? { subscription: existing.subscription, region: existing.location ?? planned?.region ?? "", nodeType: previous?.nodeType ?? planned?.nodeType ?? setup.demand.nodeTypes[0]! }
      : planned
        ? { subscription: planned.subscription, region: planned.region, nodeType: planned.nodeType }
        : undefined;
    if (!place) {
      const reason = unplacedReason.get(unit.learners[0]!.learner) ?? "not in the plan";
      counts.unplaced++;
      await update(unit, { status: "unplaced", reason });
      emit(unit, "unplaced", { detail: reason });
      return;
    }
    await update(unit, { status: "planned", subscription: place.subscription, region: place.region, nodeType: place.nodeType, resourceGroup });
    emit(unit, "queued", { region: place.region, ...(existing ? { detail: "exists in Azure: resuming it" } : {}) });
    try {
      const outcome = await gate.run(place.subscription, options.writesPerLab, async () => {
        emit(unit, "deploying", { region: place.region });
        await update(unit, { status: "deploying" });
        const stack = unitStack(setup.classId, unit.key);
        await prepareStack(deps.deployer, stack, setup, unit, suffix, options.owner);
        const snapshot = options.snapshots.get(place.subscription);
        if (!snapshot) throw new Error(`no signals for subscription ${place.subscription}`);
        return deployWithFailover({
          deployer: deps.deployer,
          stack,
          demand: { ...setup.demand, preferredRegion: place.region, nodeTypes: [place.nodeType, ...setup.demand.nodeTypes.filter((t) => t.toLowerCase() !== place.nodeType.toLowerCase())] },
          selection: { snapshot, seed: `${setup.seed}:${unit.key}` },
          blocklist: deps.blocklist,
          arm: deps.labArm(place.subscription),
          subscriptionId: place.subscription,
          ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
          onProgress: (line) => options.onProgress?.(unit.key, line),
        });
      });
      counts.ready++;
      await update(unit, {
        status: "ready",
        region: outcome.region,
        nodeType: outcome.nodeType,
        ...(outcome.workspaceUrl ? { workspaceUrl: outcome.workspaceUrl } : {}),
        ...(outcome.expiresAt ? { expiresAt: outcome.expiresAt } : {}),
        reason: outcome.attempts.length > 1 ? `failed over: ${outcome.attempts.map((a) => `${a.region} ${a.outcome}`).join(", ")}` : undefined,
      });
      emit(unit, "ready", { region: outcome.region, ...(outcome.workspaceUrl ? { detail: outcome.workspaceUrl } : {}) });
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ");
      counts.failed++;
      await update(unit, { status: "failed", reason });
      emit(unit, "failed", { region: place.region, detail: reason });
    }
  });
  await Promise.all(work);

  const shardUnits = units.map((u) => state.units[u.key]).filter((u): u is UnitState => u !== undefined);
  return { classId: setup.classId, shard: options.shard, units: shardUnits, rows: rosterRows(shardUnits), counts };
}

/**
 * The unit's stack: the preset's settings (the engine reads no settings file for a class's stacks), then
 * what makes it this class's lab: its suffix, owner, class id and learners. Keys already set (a resumed
 * stack) keep their values, except the class's own, which follow the roster.
 */
async function prepareStack(deployer: Deployer, stack: string, setup: ClassSetup, unit: ClassUnit, suffix: string, owner: string | undefined): Promise<void> {
  await deployer.ensureStack(stack);
  const existing = await deployer.getConfig(stack);
  const config: StackConfig = {};
  for (const [key, value] of Object.entries(readStackSettings(setup.stack).config)) {
    const full = `${PROJECT_NAME}:${key}`;
    if (existing[full] === undefined) config[full] = { value: typeof value === "string" ? value : JSON.stringify(value) };
  }
  const learners = unit.learners.map((l) => ({ learner: l.learner, ...(l.objectId ? { objectId: l.objectId } : {}) }));
  const labOwner = setup.layout.layout === "per-learner" ? unit.learners[0]!.learner : owner;
  if (!labOwner) throw new Error("the shared layout needs an owner for its workspaces (--owner, or a signed-in user)");
  if (!existing[CONFIG_KEY.suffix]) config[CONFIG_KEY.suffix] = { value: suffix };
  if (!existing[`${PROJECT_NAME}:owner`]) config[`${PROJECT_NAME}:owner`] = { value: labOwner };
  config[`${PROJECT_NAME}:classId`] = { value: setup.classId };
  config[`${PROJECT_NAME}:learners`] = { value: JSON.stringify(learners) };
  await deployer.setConfig(stack, config);
}

export function rosterRows(units: readonly UnitState[]): RosterRow[] {
  return units.flatMap((u) =>
    u.learners.map((learner) => ({
      learner,
      workspaceUrl: u.workspaceUrl ?? "",
      region: u.region ?? "",
      expiresAt: u.expiresAt ?? "",
      status: u.status,
      subscription: u.subscription ?? "",
      resourceGroup: u.resourceGroup ?? "",
      stack: u.stack,
    })),
  );
}
