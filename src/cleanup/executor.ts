/**
 * `mlflow-lab cleanup`: find expired lab groups in the allowed subscriptions, re-read each through ARM
 * and decide again, delete the eligible ones concurrently (paced to ARM's budgets, never waiting on
 * one operation before starting the next), verify each is gone, then purge lab-tagged soft-deleted
 * items.
 *
 * Safe to run again after a crash at any point: a group an earlier run started deleting shows up as
 * Deleting and is waited for (never sent a second DELETE), a group already gone is reported as such,
 * and every decision is made afresh from ARM's current answer.
 */
import type { ArmClient } from "../azure/arm-client";
import { LabTag } from "../config/lab-tags";
import { presentTags } from "../removal/tags";
import type { Clock } from "../azure/clock";
import { formatSpan } from "../config/duration";
import { ArmBudget, type ArmBudgetOptions } from "../azure/arm-budget";
import { describeScopeLocked } from "../removal/lock-scope";
import { awaitExistingDeletion, DEFAULT_GROUP_WAIT_MS, DEFAULT_WAIT, deleteGroup, type WaitOptions } from "../removal/group-deletion";
import { decideGroup, type CleanupPolicySettings, type GroupDecision } from "../removal/policy";
import { SOFT_DELETED_LABELS, type LabResource, type LockRecord, type ResourceGroupRecord, type SoftDeletedRecord } from "../removal/records";
import type { GroupResult, ItemResult, RunMode } from "../removal/results";
import { countOutcomes, type CleanupReport } from "./results";
import { enforceDeleteCap } from "./run-guards";
import { listDeletedLogAnalytics, listDeletedVaults, preDeleteResource, purgeSoftDeleted } from "../removal/soft-delete";
import { locksForGroup, readGroup, subscriptionLocks } from "../removal/arm-groups";
import { discoverLabGroups, discoverLabResources } from "./sources/resource-graph";
import { freeLabSoftDeletables, softDeletableWorkspaces } from "../removal/lab-soft-delete";

export interface CleanupOptions {
  /** The allowlist: the only subscriptions looked at, and the only ones anything is deleted in. */
  subscriptions: readonly string[];
  mode: RunMode;
  graceMs: number;
  /** Abort before any delete when more groups than this would be deleted. */
  max: number;
  protectedNamePatterns: readonly string[];
  /**
   * How long one group may take, from when cleanup starts on it to verified gone (default 20 minutes).
   * A group still deleting then is reported as "still-deleting" (a failure for the exit code) while the
   * other groups, the purges and the report go ahead; ARM keeps deleting and the next run waits again.
   */
  groupWaitMs?: number;
  wait?: Partial<WaitOptions>;
  buckets?: ArmBudgetOptions;
  /** The time decisions are made at (default: the clock's); tests fix it. */
  now?: () => Date;
  /** Progress for people (stderr): called as groups finish. */
  onProgress?: (event: CleanupProgress) => void;
}

export interface CleanupProgress {
  phase: "discover" | "groups" | "purge";
  done: number;
  total: number;
  /** Groups whose delete is still running, longest first, with how long each may still take. */
  waiting?: Array<{ name: string; waitedMs: number; limitMs: number }>;
}

export interface CleanupDeps {
  client: ArmClient;
  clock: Clock;
}

export async function runCleanup(deps: CleanupDeps, options: CleanupOptions): Promise<CleanupReport> {
  if (options.subscriptions.length === 0) throw new Error("cleanup needs at least one allowed subscription");
  const clock = deps.clock;
  const startedAt = new Date(clock.now()).toISOString();
  const wait = { ...DEFAULT_WAIT, ...options.wait };
  const groupWaitMs = options.groupWaitMs ?? DEFAULT_GROUP_WAIT_MS;
  const budget = new ArmBudget(deps.client, clock, options.buckets);
  const execute = options.mode === "execute";
  const decisionTime = () => options.now?.() ?? new Date(clock.now());
  const settingsAt = (): CleanupPolicySettings => ({
    allowedSubscriptions: options.subscriptions,
    graceMs: options.graceMs,
    now: decisionTime(),
    protectedNamePatterns: options.protectedNamePatterns,
  });

  options.onProgress?.({ phase: "discover", done: 0, total: 1 });
  // One paged read per subscription lists every lock in it (any scope). The first look (and the --max
  // count) uses it; re-reads use it again while it is fresh, and read it anew once it is older than
  // lockSnapshotMaxAgeMs, so each decision to delete rests on locks read moments before.
  const lockSnapshots = new Map<string, { at: number; locks: Promise<LockRecord[]> }>();
  const freshLocks = (subscriptionId: string): Promise<LockRecord[]> => {
    const key = subscriptionId.toLowerCase();
    const current = lockSnapshots.get(key);
    if (current && clock.now() - current.at <= wait.lockSnapshotMaxAgeMs) return current.locks;
    const next = { at: clock.now(), locks: subscriptionLocks(budget, subscriptionId) };
    lockSnapshots.set(key, next);
    return next.locks;
  };
  const [discovered, locksRead] = await Promise.all([
    discoverLabGroups(deps.client, options.subscriptions).then(dedupe),
    Promise.all(options.subscriptions.map((s) => freshLocks(s))),
  ]);
  // The first look uses the lists read alongside discovery, however long discovery took: it only counts
  // and sorts, and every delete decision re-reads the group with locks from freshLocks.
  const firstLocks = new Map(options.subscriptions.map((s, i) => [s.toLowerCase(), locksRead[i]!] as const));
  const allLocksOf = (subscriptionId: string) => firstLocks.get(subscriptionId.toLowerCase()) ?? [];
  const firstLook = discovered.map((group) => {
    const withLocks = { ...group, locks: locksForGroup(allLocksOf(group.subscriptionId), group.subscriptionId, group.name) };
    return { group: withLocks, decision: decideGroup(withLocks, settingsAt()) };
  });
  const groups: GroupResult[] = [];
  let ignored = 0;
  for (const { group, decision } of firstLook) {
    if (decision.verdict !== "keep") continue;
    // Groups without any lab tag are every other workload in the subscription: counted, not listed.
    if (looksLikeLab(group)) groups.push(kept(decision));
    else ignored++;
  }
  const candidates = firstLook.filter(({ decision }) => decision.verdict !== "keep");

  // The cap is checked on this first look, before any request that changes anything. The ARM re-read
  // can only remove groups from this set (it never adds one), so the count is an upper bound.
  const wouldDelete = candidates.filter(({ decision }) => decision.verdict === "delete").length;
  const capError = capCheck(wouldDelete, options.max);
  if (capError && execute) throw capError;

  const labResources = execute && wouldDelete > 0 ? await discoverLabResources(deps.client, options.subscriptions) : [];
  const resourcesByGroup = groupResources(labResources);
  const lockSourceFor = async (group: { subscriptionId: string; name: string }) => ({
    snapshot: locksForGroup(await freshLocks(group.subscriptionId), group.subscriptionId, group.name),
  });

  const items: ItemResult[] = [];
  let done = 0;
  const total = candidates.length;
  // Groups in progress and when cleanup started on each: what a person waits for.
  const inProgress = new Map<string, { name: string; since: number }>();
  const groupProgress = () => {
    const now = clock.now();
    const waiting = [...inProgress.values()]
      .map(({ name, since }) => ({ name, waitedMs: now - since, limitMs: groupWaitMs }))
      .sort((a, b) => b.waitedMs - a.waitedMs || a.name.localeCompare(b.name));
    options.onProgress?.({ phase: "groups", done, total, ...(waiting.length > 0 ? { waiting } : {}) });
  };
  groupProgress();
  await Promise.all(
    candidates.map(async ({ group }) => {
      const key = groupKey(group.subscriptionId, group.name);
      inProgress.set(key, { name: group.name, since: clock.now() });
      const deadline = clock.now() + groupWaitMs;
      // Every wait for this group ends at its deadline, however many steps it takes.
      const groupWait = (): WaitOptions => ({ ...wait, timeoutMs: Math.max(0, deadline - clock.now()), onStillRunning: groupProgress });
      const result = await processGroup(group, groupWait);
      inProgress.delete(key);
      groups.push(result);
      done++;
      groupProgress();
    }),
  );

  async function processGroup(seen: ResourceGroupRecord, groupWait: () => WaitOptions): Promise<GroupResult> {
    let read;
    try {
      read = await readGroup(budget, seen.subscriptionId, seen.name, await lockSourceFor(seen));
    } catch (error) {
      return failedRead(seen, error);
    }
    if (read.kind === "gone") return { ...identity(seen), outcome: "gone", reason: "already gone (404)" };
    let decision = decideGroup(read.record, settingsAt());
    if (decision.verdict === "keep") return kept(decision);
    if (!execute) {
      return decision.verdict === "delete"
        ? result(decision, "would-delete", decision.reason)
        : result(decision, "deleting", "an earlier delete is still running; --yes waits for it");
    }
    if (decision.verdict === "await-deletion") {
      const outcome = await awaitExistingDeletion(budget, seen.subscriptionId, seen.name, groupWait());
      // Deleted by that earlier run, not by this one: counted as gone.
      if (outcome === "gone") return result(decision, "gone", "an earlier run's delete finished while this run waited; verified gone (404)");
      if (outcome === "timeout") return stillDeleting(decision, "an earlier run's delete is still running");
      // That earlier delete stopped without removing the group: decide again on a fresh read.
      const again = await readGroup(budget, seen.subscriptionId, seen.name, await lockSourceFor(seen));
      if (again.kind === "gone") return result(decision, "gone", "an earlier run's delete finished; verified gone (404)");
      decision = decideGroup(again.record, settingsAt());
      if (decision.verdict !== "delete") return decision.verdict === "keep" ? kept(decision) : stillDeleting(decision, "an earlier run's delete is still running");
    }
    return deleteEligible(decision, groupWait);
  }

  function stillDeleting(decision: GroupDecision, what: string): GroupResult {
    return result(decision, "still-deleting", `${what} after the ${formatSpan(groupWaitMs)} wait; ARM goes on deleting and the next run checks again`, "Timeout");
  }

  async function deleteEligible(decision: GroupDecision, groupWait: () => WaitOptions): Promise<GroupResult> {
    const inside = resourcesByGroup.get(groupKey(decision.subscriptionId, decision.name)) ?? [];
    const labId = decision.labId ?? "";
    const purgeSettings = { allowedSubscriptions: options.subscriptions, scope: { mode: "teardown" as const, labId } };
    const workspaces = softDeletableWorkspaces(inside);
    // This lab's Azure ML endpoints, then its Azure ML and Log Analytics workspaces deleted permanently.
    const freed = await freeLabSoftDeletables(budget, workspaces, { subscriptionId: decision.subscriptionId, resourceGroup: decision.name, labId }, execute, groupWait());
    items.push(...freed.endpoints);
    const others = inside.filter((r) => !workspaces.mlWorkspaces.includes(r) && !workspaces.logAnalytics.includes(r));
    const rows = [...freed.workspaces];
    for (const resource of others) rows.push(await preDeleteResource(budget, resource, purgeSettings, execute, groupWait()));
    // A resource without this lab's tags is simply left to the group delete: not worth a row.
    items.push(...rows.filter((row) => row.outcome !== "kept"));
    const outcome = await deleteGroup(budget, decision.subscriptionId, decision.name, groupWait());
    switch (outcome.kind) {
      case "deleted":
        return result(decision, "deleted", `${decision.reason}; verified gone (404)`);
      case "gone":
        return result(decision, "gone", "already gone (404) when the delete was sent");
      case "refused": {
        const locked = outcome.error.code === "ScopeLocked" ? describeScopeLocked(outcome.error.message, decision.name) : undefined;
        return result(decision, "kept", locked ?? `ARM refused: ${outcome.error.message}`, outcome.error.code);
      }
      case "failed":
        return result(decision, "failed", outcome.error.message, outcome.error.code);
      case "timeout":
        return stillDeleting(decision, "still being deleted");
    }
  }

  // Soft-deleted items whose preserved tags mark them as items of an expired lab.
  const purgeSettings = { allowedSubscriptions: options.subscriptions, scope: { mode: "cleanup" as const, now: decisionTime(), graceMs: options.graceMs } };
  // Soft-deleted Log Analytics workspaces are listed too: ARM cannot purge them, but the table says why
  // a lab's name is still taken. That listing is best-effort: when it fails (a role without
  // deletedWorkspaces/read answers 403) the run says so in a row and the vault purges still happen.
  const listLogAnalytics = async (subscriptionId: string): Promise<SoftDeletedRecord[]> => {
    try {
      return await listDeletedLogAnalytics(budget, subscriptionId);
    } catch (error) {
      const code = (error as { code?: string }).code;
      items.push({
        kind: SOFT_DELETED_LABELS["log-analytics"],
        subscriptionId,
        name: "(soft-deleted workspaces)",
        outcome: "failed",
        reason: `could not list soft-deleted Log Analytics workspaces (${(error as Error).message}); they cannot be purged anyway, only this report misses them`,
        ...(code ? { code } : {}),
      });
      return [];
    }
  };
  const deletedItems = (await Promise.all(options.subscriptions.flatMap((s) => [listDeletedVaults(budget, s), listLogAnalytics(s)]))).flat();
  let purged = 0;
  options.onProgress?.({ phase: "purge", done: 0, total: deletedItems.length });
  const purgeResults = await Promise.all(
    deletedItems.map(async (item) => {
      const r = await purgeSoftDeleted(budget, item, purgeSettings, execute, wait);
      options.onProgress?.({ phase: "purge", done: ++purged, total: deletedItems.length });
      return r;
    }),
  );
  // Items that are plainly not ours are not worth a row.
  // (In cleanup scope only the managed-by rule makes an item "not ours": another lab's item is listed.)
  items.push(...purgeResults.filter((r) => !r.notOurs));

  const counts = countOutcomes(groups);
  const report: CleanupReport = {
    mode: options.mode,
    subscriptions: [...options.subscriptions],
    graceMs: options.graceMs,
    startedAt,
    finishedAt: new Date(clock.now()).toISOString(),
    groups,
    ignored,
    items,
    counts,
    throttled: budget.throttledCounts(),
    failed: counts.failed > 0 || counts["still-deleting"] > 0 || items.some((i) => i.outcome === "failed") || capError !== undefined,
  };
  if (capError) report.capExceeded = capError.message;
  return report;
}

function looksLikeLab(group: ResourceGroupRecord): boolean {
  return presentTags(group.tags, [LabTag.managedBy, LabTag.id]).length > 0;
}

function capCheck(wouldDelete: number, max: number): Error | undefined {
  try {
    enforceDeleteCap(wouldDelete, max);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

function identity(group: { subscriptionId: string; name: string }) {
  return { subscriptionId: group.subscriptionId, name: group.name };
}

function result(decision: GroupDecision, outcome: GroupResult["outcome"], reason: string, code?: string): GroupResult {
  return {
    ...identity(decision),
    outcome,
    reason,
    ...(code ? { code } : {}),
    ...(decision.labId ? { labId: decision.labId } : {}),
    ...(decision.expiresAt ? { expiresAt: decision.expiresAt } : {}),
  };
}

function kept(decision: GroupDecision): GroupResult {
  return result(decision, "kept", decision.reason);
}

function failedRead(group: ResourceGroupRecord, error: unknown): GroupResult {
  const code = (error as { code?: string }).code;
  return { ...identity(group), outcome: "failed", reason: `could not re-read the group: ${(error as Error).message}`, ...(code ? { code } : {}) };
}

function dedupe(groups: ResourceGroupRecord[]): ResourceGroupRecord[] {
  const byId = new Map<string, ResourceGroupRecord>();
  for (const g of groups) byId.set(g.id.toLowerCase(), g);
  return [...byId.values()];
}

const groupKey = (subscriptionId: string, name: string) => `${subscriptionId}/${name}`.toLowerCase();

function groupResources(resources: LabResource[]): Map<string, LabResource[]> {
  const map = new Map<string, LabResource[]>();
  for (const r of resources) {
    const key = groupKey(r.subscriptionId, r.resourceGroup);
    map.set(key, [...(map.get(key) ?? []), r]);
  }
  return map;
}
