/**
 * Freeing the names one lab's soft-deletable items hold. Deleting a lab's group soft-deletes its Key
 * Vault (a global name), Azure ML workspace and Log Analytics workspace, and each keeps its name blocked
 * for days. Teardown frees them so the names are not left reserved; the deploy flow frees them between
 * region attempts, because the next attempt reuses the same suffix and so the same names.
 * Only items whose own tags name this lab are touched (soft-delete.ts's purge rules, teardown scope).
 */
import { ReadPriority, type ArmBudget } from "../azure/arm-budget";
import type { WaitOptions } from "./group-deletion";
import type { PurgePolicySettings } from "./purge-policy";
import type { ItemResult } from "./results";
import { deleteWorkspaceEndpoints } from "./serving-endpoints";
import { listDeletedVaults, preDeleteResource, purgeSoftDeleted } from "./soft-delete";
import { labIdOf } from "./tag-checks";
import { RESOURCES_API_VERSION } from "./arm-groups";
import type { LabResource } from "./records";

/** One lab: its id, its group, and the subscription both are in. */
export interface LabScope {
  subscriptionId: string;
  resourceGroup: string;
  labId: string;
}

const ML_WORKSPACES = "microsoft.machinelearningservices/workspaces";
const LOG_ANALYTICS = "microsoft.operationalinsights/workspaces";

interface ResourceListItem {
  id?: string;
  name?: string;
  type?: string;
  location?: string;
  tags?: Record<string, unknown>;
}

/** The resources in the lab's group (types in lower case). */
export async function listGroupResources(budget: ArmBudget, scope: LabScope): Promise<LabResource[]> {
  const { items } = await budget.readAllPages<ResourceListItem>(
    scope.subscriptionId,
    ReadPriority.reRead,
    `/subscriptions/${scope.subscriptionId}/resourcegroups/${scope.resourceGroup}/resources`,
    RESOURCES_API_VERSION,
  );
  const out: LabResource[] = [];
  for (const r of items) {
    if (!r.id || !r.type) continue;
    out.push({
      id: r.id,
      name: r.name ?? r.id.split("/").pop()!,
      type: r.type.toLowerCase(),
      subscriptionId: scope.subscriptionId,
      resourceGroup: scope.resourceGroup,
      location: r.location,
      tags: r.tags ?? {},
      properties: {},
    });
  }
  return out;
}

/** The Azure ML and Log Analytics workspaces among a group's resources. */
export function softDeletableWorkspaces(resources: readonly LabResource[]): { mlWorkspaces: LabResource[]; logAnalytics: LabResource[] } {
  return {
    mlWorkspaces: resources.filter((r) => r.type === ML_WORKSPACES),
    logAnalytics: resources.filter((r) => r.type === LOG_ANALYTICS),
  };
}

export function purgeSettingsFor(scope: LabScope): PurgePolicySettings {
  return { allowedSubscriptions: [scope.subscriptionId], scope: { mode: "teardown", labId: scope.labId } };
}

/**
 * Before the group goes: this lab's Azure ML workspaces (forceToPurge) and Log Analytics workspaces
 * (force) deleted permanently, so soft delete never holds their names. This has to happen while the group
 * exists: ARM has no purge for a soft-deleted Log Analytics workspace, and purging a soft-deleted ML
 * workspace needs its group. One row per workspace, in the order given; those of another lab are "kept".
 */
export async function deleteWorkspacesPermanently(
  budget: ArmBudget,
  workspaces: readonly LabResource[],
  scope: LabScope,
  execute: boolean,
  wait: WaitOptions,
): Promise<ItemResult[]> {
  const rows: ItemResult[] = [];
  for (const ws of workspaces) rows.push(await preDeleteResource(budget, ws, purgeSettingsFor(scope), execute, wait));
  return rows;
}

export interface FreeSoftDeletablesOptions {
  /**
   * Whose online endpoints go first: by default those of the workspaces this lab's tags claim (the ones
   * deleted permanently here, which ARM refuses while they have endpoints). Teardown, which has checked
   * the group is this lab's, passes "every-workspace": every endpoint in it bills, also hand-made ones.
   */
  endpointsOf?: "lab-workspaces" | "every-workspace";
  /** Called with each workspace's endpoint rows once they are done (teardown prints a step). */
  onEndpoints?: (workspace: LabResource, rows: readonly ItemResult[]) => void;
}

export interface FreedSoftDeletables {
  /** One row per online endpoint of the workspaces whose endpoints went first. */
  endpoints: ItemResult[];
  /** One row per Azure ML / Log Analytics workspace (deleteWorkspacesPermanently). */
  workspaces: ItemResult[];
  /** The resource ids (lower case) of the workspaces deleted permanently by this call. */
  deletedIds: ReadonlySet<string>;
}

/**
 * Before a lab's group is deleted: free the names its soft-deletable items would hold. The online
 * endpoints of its Azure ML workspaces first (a workspace with online endpoints refuses delete with 409
 * CannotDeleteResource), then this lab's Azure ML and Log Analytics workspaces deleted permanently
 * (deleteWorkspacesPermanently). The one sequence cleanup, teardown and the deploy flow's failover run.
 */
export async function freeLabSoftDeletables(
  budget: ArmBudget,
  workspaces: { mlWorkspaces: readonly LabResource[]; logAnalytics: readonly LabResource[] },
  scope: LabScope,
  execute: boolean,
  wait: WaitOptions,
  options: FreeSoftDeletablesOptions = {},
): Promise<FreedSoftDeletables> {
  const endpoints: ItemResult[] = [];
  for (const ws of workspaces.mlWorkspaces) {
    if (options.endpointsOf !== "every-workspace" && labIdOf(ws.tags) !== scope.labId) continue;
    const rows = await deleteWorkspaceEndpoints(budget, ws, execute, wait);
    endpoints.push(...rows);
    options.onEndpoints?.(ws, rows);
  }
  const all = [...workspaces.mlWorkspaces, ...workspaces.logAnalytics];
  const deleted = await deleteWorkspacesPermanently(budget, all, scope, execute, wait);
  const deletedIds = new Set(all.filter((_, i) => deleted[i]?.outcome === "deleted").map((ws) => ws.id.toLowerCase()));
  return { endpoints, workspaces: deleted, deletedIds };
}

/**
 * After the group is gone: this lab's soft-deleted Key Vaults purged. Vaults of other labs and vaults
 * that are not lab items are left alone and not reported; a purge-protected vault of this lab is "kept".
 */
export async function purgeLabKeyVaults(budget: ArmBudget, scope: LabScope, execute: boolean, wait: WaitOptions): Promise<ItemResult[]> {
  const rows: ItemResult[] = [];
  for (const vault of await listDeletedVaults(budget, scope.subscriptionId)) {
    const row = await purgeSoftDeleted(budget, vault, purgeSettingsFor(scope), execute, wait);
    if (row.notOurs) continue;
    rows.push(row);
  }
  return rows;
}
