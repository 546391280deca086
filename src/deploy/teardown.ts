/**
 * `mlflow-lab teardown`: take one lab down completely and prove it is gone.
 *
 * 1. inspect: read the lab's group and check it really is this lab (marker, lab id, no lock, no
 *    do-not-delete tag); list what is inside and remember it in a small journal, so a re-run after a
 *    crash still knows the Databricks managed group and the soft-deletable items;
 * 2. serving endpoints first (they bill by the hour): every endpoint in the lab's Databricks workspace
 *    (REST API) and Azure ML workspace (ARM), including the ones a learner made by hand;
 * 3. Azure ML and Log Analytics workspaces of this lab deleted permanently (forceToPurge, force), so
 *    their names are not held by soft delete (ARM has no purge for a soft-deleted Log Analytics
 *    workspace, and purging a soft-deleted ML workspace needs its group, which destroy removes);
 * 4. `deployer.destroy(stack)`;
 * 5. purge this lab's soft-deleted Key Vaults (and any ML workspace still soft-deleted);
 * 6. verify the group and the Databricks managed group answer 404.
 * Every step is idempotent (404 is success, a missing journal or group skips what it cannot know), so
 * running it again after a crash at any point converges.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ArmClient } from "../azure/arm-client";
import type { Clock } from "../azure/clock";
import { StackNotFoundError, type Deployer } from "./deployer";
import { ArmBudget, ReadPriority, type ArmBudgetOptions } from "../azure/arm-budget";
import { DEFAULT_WAIT, pollUntilGone, type WaitOptions } from "../removal/group-deletion";
import { decideTeardownGroup } from "../removal/policy";
import type { GroupResult, ItemResult, RunMode } from "../removal/results";
import { deleteDatabricksEndpoints, type DatabricksServingClient } from "../removal/serving-endpoints";
import { freeLabSoftDeletables, listGroupResources, purgeLabKeyVaults, softDeletableWorkspaces } from "../removal/lab-soft-delete";
import { DATABRICKS_API_VERSION, mlWorkspacePurgeRequest, runToCompletion } from "../removal/soft-delete";
import { readGroup } from "../removal/arm-groups";
import type { LabResource } from "../removal/records";

export interface TeardownTarget {
  stack: string;
  subscriptionId: string;
  resourceGroup: string;
  labId: string;
}

/** What teardown learned about the lab before changing anything (kept across a crash). */
export interface TeardownJournal {
  target: TeardownTarget;
  databricks: Array<{ id: string; name: string; workspaceUrl?: string; managedResourceGroupId?: string }>;
  mlWorkspaces: LabResource[];
  logAnalytics: LabResource[];
}

export interface JournalStore {
  load(stack: string): TeardownJournal | undefined;
  save(journal: TeardownJournal): void;
  clear(stack: string): void;
}

/** Journals as JSON files in the state directory (`teardown/<stack>.json`). */
export function fileJournalStore(dir: string): JournalStore {
  const file = (stack: string) => path.join(dir, "teardown", `${stack.replace(/[^A-Za-z0-9._-]/g, "_")}.json`);
  return {
    load(stack) {
      try {
        return JSON.parse(fs.readFileSync(file(stack), "utf8")) as TeardownJournal;
      } catch {
        return undefined;
      }
    },
    save(journal) {
      fs.mkdirSync(path.dirname(file(journal.target.stack)), { recursive: true });
      fs.writeFileSync(file(journal.target.stack), `${JSON.stringify(journal, null, 2)}\n`);
    },
    clear(stack) {
      fs.rmSync(file(stack), { force: true });
    },
  };
}

export interface TeardownDeps {
  client: ArmClient;
  clock: Clock;
  deployer: Deployer;
  journal: JournalStore;
  /** A client for a Databricks workspace's REST API, from its `workspaceUrl` (host without scheme). */
  databricks(workspaceUrl: string): DatabricksServingClient;
  /** The paced budget to share with other teardowns running at once (class down); default: its own. */
  budget?: ArmBudget;
}

export interface TeardownOptions {
  mode: RunMode;
  wait?: Partial<WaitOptions>;
  buckets?: ArmBudgetOptions;
  /** One line per step, for people (stderr). */
  onStep?: (line: string) => void;
}

export interface TeardownReport {
  mode: RunMode;
  target: TeardownTarget;
  /** What was done, in order, in words. */
  steps: string[];
  items: ItemResult[];
  /** The lab group and the Databricks managed group(s), with their final state. */
  groups: GroupResult[];
  failed: boolean;
}

export class TeardownRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TeardownRefusedError";
  }
}

async function inspect(budget: ArmBudget, target: TeardownTarget): Promise<TeardownJournal> {
  const resources = await listGroupResources(budget, target);
  const { mlWorkspaces, logAnalytics } = softDeletableWorkspaces(resources);
  const databricks = await Promise.all(
    resources
      .filter((r) => r.type === "microsoft.databricks/workspaces")
      .map(async (r) => {
        const response = await budget.read<{ properties?: { workspaceUrl?: string; managedResourceGroupId?: string } }>(target.subscriptionId, ReadPriority.reRead, {
          method: "GET",
          path: r.id,
          apiVersion: DATABRICKS_API_VERSION,
          allowStatus: [404],
        });
        return {
          id: r.id,
          name: r.name,
          workspaceUrl: response.body?.properties?.workspaceUrl,
          managedResourceGroupId: response.body?.properties?.managedResourceGroupId,
        };
      }),
  );
  return {
    target,
    databricks,
    mlWorkspaces,
    logAnalytics,
  };
}

function mergeJournal(previous: TeardownJournal | undefined, fresh: TeardownJournal): TeardownJournal {
  if (!previous) return fresh;
  const byId = <T extends { id: string }>(a: T[], b: T[]) => [...new Map([...a, ...b].map((x) => [x.id.toLowerCase(), x])).values()];
  return {
    target: fresh.target,
    databricks: byId(previous.databricks, fresh.databricks),
    mlWorkspaces: byId(previous.mlWorkspaces, fresh.mlWorkspaces),
    logAnalytics: byId(previous.logAnalytics, fresh.logAnalytics),
  };
}

/** Polls a group until ARM answers 404 or the wait ends (a group not yet Deleting is waited for too). */
async function waitGroupGone(budget: ArmBudget, subscriptionId: string, name: string, wait: WaitOptions): Promise<boolean> {
  return (await pollUntilGone(budget, subscriptionId, name, wait, { priority: ReadPriority.verify, stopUnlessDeleting: false })) === "gone";
}

function parseGroupId(id: string): { subscriptionId: string; name: string } | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)$/i.exec(id);
  return m ? { subscriptionId: m[1], name: m[2] } : undefined;
}

export async function runTeardown(deps: TeardownDeps, target: TeardownTarget, options: TeardownOptions): Promise<TeardownReport> {
  const execute = options.mode === "execute";
  const wait = { ...DEFAULT_WAIT, ...options.wait };
  const budget = deps.budget ?? new ArmBudget(deps.client, deps.clock, options.buckets);
  const steps: string[] = [];
  const items: ItemResult[] = [];
  const groups: GroupResult[] = [];
  const step = (line: string) => {
    steps.push(line);
    options.onStep?.(line);
  };
  const sub = target.subscriptionId;

  // 1. inspect
  const read = await readGroup(budget, sub, target.resourceGroup, "per-group");
  let journal = deps.journal.load(target.stack);
  if (read.kind === "found") {
    const decision = decideTeardownGroup(read.record, target.labId);
    if (decision.verdict === "keep") {
      throw new TeardownRefusedError(`teardown refused for resource group ${target.resourceGroup}: ${decision.reason}; nothing was changed`);
    }
    journal = mergeJournal(journal, await inspect(budget, target));
    if (execute) deps.journal.save(journal);
    step(
      `found ${target.resourceGroup}: ${journal.databricks.length} Databricks workspace(s), ${journal.mlWorkspaces.length} Azure ML workspace(s), ` +
        `${journal.logAnalytics.length} Log Analytics workspace(s)`,
    );
  } else {
    step(journal ? `${target.resourceGroup} is already gone; finishing from the journal of an earlier run` : `${target.resourceGroup} is already gone`);
  }
  const known: TeardownJournal = journal ?? { target, databricks: [], mlWorkspaces: [], logAnalytics: [] };
  const groupExists = read.kind === "found";

  // 2. serving endpoints: the Databricks workspaces' here, the Azure ML workspaces' with step 3 below
  if (groupExists) {
    for (const ws of known.databricks) {
      if (!ws.workspaceUrl) continue;
      const rows = await deleteDatabricksEndpoints(deps.databricks(ws.workspaceUrl), ws.name, sub, execute);
      items.push(...rows);
      step(`${execute ? "deleted" : "would delete"} ${rows.length} serving endpoint(s) in Databricks workspace ${ws.name}`);
    }
  }

  // 2. Azure ML online endpoints (every one in the group), then 3. permanent deletes of soft-deletable
  // workspaces (this lab's only): the same sequence cleanup and the deploy flow run before a group goes.
  let deletedForGood: ReadonlySet<string> = new Set();
  if (groupExists) {
    const freed = await freeLabSoftDeletables(budget, known, target, execute, wait, {
      endpointsOf: "every-workspace",
      onEndpoints: (ws, rows) => {
        items.push(...rows);
        step(`${execute ? "deleted" : "would delete"} ${rows.length} online endpoint(s) in Azure ML workspace ${ws.name}`);
      },
    });
    for (const row of freed.workspaces) {
      items.push(row);
      step(`${row.name}: ${row.outcome} (${row.reason})`);
    }
    deletedForGood = freed.deletedIds;
  }

  // 4. destroy
  if (execute) {
    step(`pulumi destroy of stack ${target.stack}…`);
    try {
      await deps.deployer.destroy(target.stack, { onProgress: (line) => options.onStep?.(`  ${line}`) });
      step(`stack ${target.stack} destroyed`);
    } catch (error) {
      // No stack (never deployed from here, or its state is lost): nothing for the engine to remove; the
      // check below still says whether the lab's groups are gone.
      if (!(error instanceof StackNotFoundError)) throw error;
      step(`there is no stack ${target.stack}: nothing for pulumi to destroy`);
    }
  } else {
    step(`would run pulumi destroy on stack ${target.stack}`);
  }

  // 5. purge what soft delete kept: this lab's Key Vaults, and ML workspaces still soft-deleted
  for (const row of await purgeLabKeyVaults(budget, target, execute, wait)) {
    items.push(row);
    step(`Key Vault ${row.name}: ${row.outcome} (${row.reason})`);
  }
  if (execute) {
    for (const ws of known.mlWorkspaces) {
      // Deleted permanently in step 3 (by id: another row, an endpoint say, may carry the same name).
      if (deletedForGood.has(ws.id.toLowerCase())) continue;
      const row = await runToCompletion(budget, sub, mlWorkspacePurgeRequest(ws.id), wait, (c) => ({
        kind: "Azure ML workspace",
        subscriptionId: sub,
        name: ws.name,
        outcome: c.kind === "ok" ? ("purged" as const) : c.kind,
        reason: c.kind === "ok" ? "soft-deleted workspace purged" : c.reason,
        ...(c.code ? { code: c.code } : {}),
      }));
      if (row.outcome !== "gone") items.push(row);
    }
  }

  // 6. verify
  if (execute) {
    const goneRg = await waitGroupGone(budget, sub, target.resourceGroup, wait);
    groups.push({
      subscriptionId: sub,
      name: target.resourceGroup,
      outcome: goneRg ? "deleted" : "failed",
      reason: goneRg ? "verified gone (404)" : "still exists after destroy",
      labId: target.labId,
      ...(goneRg ? {} : { code: "StillPresent" }),
    });
    for (const ws of known.databricks) {
      const managed = ws.managedResourceGroupId ? parseGroupId(ws.managedResourceGroupId) : undefined;
      if (!managed) continue;
      const gone = await waitGroupGone(budget, managed.subscriptionId, managed.name, wait);
      groups.push({
        subscriptionId: managed.subscriptionId,
        name: managed.name,
        outcome: gone ? "deleted" : "failed",
        reason: gone ? `Databricks managed group of ${ws.name}: verified gone (404)` : `Databricks managed group of ${ws.name} still exists`,
        ...(gone ? {} : { code: "StillPresent" }),
      });
    }
    step(groups.every((g) => g.outcome === "deleted") ? "verified: the lab's groups are gone" : "some groups are still there (see the table)");
  }

  const failed = groups.some((g) => g.outcome === "failed") || items.some((i) => i.outcome === "failed");
  if (execute && !failed) deps.journal.clear(target.stack);
  return { mode: options.mode, target, steps, items, groups, failed };
}
