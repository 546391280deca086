/**
 * Names that outlive their resources. Deleting a group soft-deletes its Key Vaults, Azure ML workspaces
 * and Log Analytics workspaces, and their names stay blocked (Key Vault names globally, for up to 90
 * days). Two tools here:
 * - before a lab group is deleted, its lab-tagged ML and Log Analytics workspaces are deleted with the
 *   purge flag (`forceToPurge`, `force`) so they never become soft-deleted, and its Databricks
 *   workspaces with `forceDeletion` so nothing is retained in their managed groups;
 * - afterwards, soft-deleted records whose preserved tags mark them as lab items are purged.
 * Every purge goes through the purge policy (purge-policy.ts) first.
 */
import type { ArmRequest } from "../azure/arm-client";
import { ReadPriority, type ArmBudget } from "../azure/arm-budget";
import { DEFAULT_WAIT, isProtectionRefusal, waitForOperation, type WaitOptions } from "./group-deletion";
import { startDelete } from "../azure/paced-operations";
import { decidePurge, isNotOurs, type PurgePolicySettings } from "./purge-policy";
import { SOFT_DELETED_LABELS, type SoftDeletedKind, type SoftDeletedRecord } from "./records";
import type { ItemOutcome, ItemResult } from "./results";
import type { LabResource } from "./records";

export const KEY_VAULT_API_VERSION = "2024-11-01";
export const ML_API_VERSION = "2024-10-01";
export const LOG_ANALYTICS_API_VERSION = "2025-07-01";
export const DATABRICKS_API_VERSION = "2024-05-01";

async function listPaged<T>(budget: ArmBudget, subscriptionId: string, path: string, apiVersion: string): Promise<T[]> {
  return (await budget.readAllPages<T>(subscriptionId, ReadPriority.background, path, apiVersion)).items;
}

interface DeletedVaultBody {
  id?: string;
  name?: string;
  properties?: {
    vaultId?: string;
    location?: string;
    deletionDate?: string;
    scheduledPurgeDate?: string;
    tags?: Record<string, string>;
    purgeProtectionEnabled?: boolean;
  };
}

/** Soft-deleted Key Vaults of a subscription, with the tags Azure preserved. */
export async function listDeletedVaults(budget: ArmBudget, subscriptionId: string): Promise<SoftDeletedRecord[]> {
  const vaults = await listPaged<DeletedVaultBody>(budget, subscriptionId, `/subscriptions/${subscriptionId}/providers/Microsoft.KeyVault/deletedVaults`, KEY_VAULT_API_VERSION);
  return vaults.map((v) => ({
    kind: "key-vault",
    subscriptionId,
    name: v.name ?? "?",
    id: v.id ?? "",
    location: v.properties?.location,
    tags: v.properties?.tags ?? {},
    purgeProtectionEnabled: v.properties?.purgeProtectionEnabled === true,
    scheduledPurgeDate: v.properties?.scheduledPurgeDate,
  }));
}

interface WorkspaceBody {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  properties?: Record<string, unknown>;
}

/** Soft-deleted Log Analytics workspaces of a subscription ("available for recovery"). */
export async function listDeletedLogAnalytics(budget: ArmBudget, subscriptionId: string): Promise<SoftDeletedRecord[]> {
  const workspaces = await listPaged<WorkspaceBody>(
    budget,
    subscriptionId,
    `/subscriptions/${subscriptionId}/providers/Microsoft.OperationalInsights/deletedWorkspaces`,
    LOG_ANALYTICS_API_VERSION,
  );
  return workspaces.map((w) => ({
    kind: "log-analytics",
    subscriptionId,
    name: w.name ?? "?",
    id: w.id ?? "",
    location: w.location,
    tags: w.tags ?? {},
  }));
}

/** Deletes an Azure ML workspace for good: a live one skips soft delete, a soft-deleted one is purged. */
export function mlWorkspacePurgeRequest(workspaceId: string): ArmRequest {
  return { method: "DELETE", path: workspaceId, apiVersion: ML_API_VERSION, query: { forceToPurge: true } };
}

/** The request that purges a soft-deleted record, or a reason why there is none. */
export function purgeRequest(item: SoftDeletedRecord): ArmRequest | { unsupported: string } {
  switch (item.kind) {
    case "key-vault":
      if (!item.location) return { unsupported: "the deleted vault record names no location" };
      return {
        method: "POST",
        path: `/subscriptions/${item.subscriptionId}/providers/Microsoft.KeyVault/locations/${item.location}/deletedVaults/${item.name}/purge`,
        apiVersion: KEY_VAULT_API_VERSION,
      };
    case "ml-workspace":
      return mlWorkspacePurgeRequest(item.id);
    case "log-analytics":
      // ARM has no purge for an already soft-deleted workspace: it must be recovered into its
      // (re-created) resource group and deleted again with force. Cleanup never creates anything, so
      // it leaves these alone; teardown and cleanup delete lab workspaces with force beforehand instead.
      return { unsupported: "Azure offers no purge for a soft-deleted Log Analytics workspace; the name frees itself 14 days after deletion" };
  }
}

function itemResult(item: { kind: SoftDeletedKind | string; subscriptionId: string; name: string }, outcome: ItemOutcome, reason: string, code?: string): ItemResult {
  const kind = item.kind in SOFT_DELETED_LABELS ? SOFT_DELETED_LABELS[item.kind as SoftDeletedKind] : item.kind;
  return { kind, subscriptionId: item.subscriptionId, name: item.name, outcome, reason, ...(code ? { code } : {}) };
}

/** Decides and (unless dry run) purges one soft-deleted record. */
export async function purgeSoftDeleted(
  budget: ArmBudget,
  item: SoftDeletedRecord,
  settings: PurgePolicySettings,
  execute: boolean,
  wait: WaitOptions = DEFAULT_WAIT,
): Promise<ItemResult> {
  const decision = decidePurge(item, settings);
  if (decision.verdict === "keep") return { ...itemResult(item, "kept", decision.reason), ...(isNotOurs(decision) ? { notOurs: true as const } : {}) };
  const request = purgeRequest(item);
  if ("unsupported" in request) return itemResult(item, "kept", request.unsupported);
  if (!execute) return itemResult(item, "would-purge", decision.reason);
  return runToCompletion(budget, item.subscriptionId, request, wait, (outcome) => itemResult(item, outcome.kind === "ok" ? "purged" : outcome.kind, outcome.reason, outcome.code));
}

type Completion = { kind: "ok"; reason: string } | { kind: "gone"; reason: string } | { kind: "kept" | "failed"; reason: string; code?: string };

/** Starts a delete/purge and waits for it; the caller turns the completion into its result row. */
export async function runToCompletion<R>(budget: ArmBudget, subscriptionId: string, request: ArmRequest, wait: WaitOptions, toResult: (c: Completion & { code?: string }) => R): Promise<R> {
  const started = await startDelete(budget, subscriptionId, request);
  if (started.kind === "gone") return toResult({ kind: "gone", reason: "already gone" });
  if (started.kind === "failed") {
    const kind = isProtectionRefusal(started.error) ? "kept" : "failed";
    return toResult({ kind, reason: started.error.message, code: started.error.code });
  }
  if (started.kind === "running") {
    const done = await waitForOperation(budget, started.operation, started.retryAfterMs, wait);
    if (done.kind === "timeout") return toResult({ kind: "failed", reason: "still running when the wait ended", code: "Timeout" });
    if (done.kind === "failed") return toResult({ kind: "failed", reason: done.error.message, code: done.error.code });
  }
  return toResult({ kind: "ok", reason: "done" });
}

/** The permanent-delete request for a lab resource that must not be left soft-deleted or retained. */
export function preDeleteRequest(resource: LabResource): ArmRequest | undefined {
  switch (resource.type) {
    case "microsoft.machinelearningservices/workspaces":
      return mlWorkspacePurgeRequest(resource.id);
    case "microsoft.operationalinsights/workspaces":
      return { method: "DELETE", path: resource.id, apiVersion: LOG_ANALYTICS_API_VERSION, query: { force: true } };
    case "microsoft.databricks/workspaces":
      return { method: "DELETE", path: resource.id, apiVersion: DATABRICKS_API_VERSION, query: { forceDeletion: true } };
    default:
      return undefined;
  }
}

const PRE_DELETE_LABELS: Record<string, string> = {
  "microsoft.machinelearningservices/workspaces": "Azure ML workspace",
  "microsoft.operationalinsights/workspaces": "Log Analytics workspace",
  "microsoft.databricks/workspaces": "Databricks workspace",
};

/**
 * Deletes a lab resource permanently before its group goes, when its own tags say it belongs to the lab
 * being deleted (the same purge rules as for soft-deleted records, scoped to that lab id).
 */
export async function preDeleteResource(
  budget: ArmBudget,
  resource: LabResource,
  settings: PurgePolicySettings,
  execute: boolean,
  wait: WaitOptions = DEFAULT_WAIT,
): Promise<ItemResult> {
  const label = { kind: PRE_DELETE_LABELS[resource.type] ?? resource.type, subscriptionId: resource.subscriptionId, name: resource.name };
  const decision = decidePurge(
    { kind: "ml-workspace", subscriptionId: resource.subscriptionId, name: resource.name, id: resource.id, tags: resource.tags },
    settings,
  );
  // Whatever the rules keep here is not this run's to delete permanently: the group delete takes it.
  if (decision.verdict === "keep") return { ...itemResult(label, "kept", `left to the group delete: ${decision.reason}`), notOurs: true };
  const request = preDeleteRequest(resource);
  if (!request) return itemResult(label, "kept", "no permanent delete for this type");
  const verb = resource.type === "microsoft.databricks/workspaces" ? "deleted with forceDeletion" : "deleted permanently (no soft delete)";
  if (!execute) return itemResult(label, "would-delete", verb);
  return runToCompletion(budget, resource.subscriptionId, request, wait, (c) =>
    itemResult(label, c.kind === "ok" ? "deleted" : c.kind, c.kind === "ok" ? verb : c.reason, c.code),
  );
}
