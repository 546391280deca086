/**
 * The janitor's custom role: exactly what `mlflow-lab cleanup --yes` calls, and nothing that creates or
 * changes anything. Read resources, locks and tags; query Resource Graph; delete resource groups and
 * the resources ARM deletes inside them; the permanent deletes and purges of soft-deletable items;
 * read the status of the operations it started. No `*` actions except status reads under a provider's
 * `locations/` (operation-status endpoints differ between providers and API versions).
 *
 * ARM deletes a group by sending a DELETE for each resource in it as the caller, so the role needs the
 * delete action of every type a lab group can hold. Those are derived from the lab program's resource
 * types (../arm-types.ts: every type any preset registers, what Azure adds because of them, and what
 * learners make by hand there); a type the list missed would make the group delete fail with
 * AuthorizationFailed naming the action, which cleanup reports as a failed group.
 */
import { createHash } from "node:crypto";
import { labGroupArmTypes } from "../arm-types";

/** What cleanup itself calls, besides deleting what a lab group holds. */
const CLEANUP_ACTIONS: readonly string[] = [
  // Discovery and the re-read before every delete.
  "Microsoft.Resources/subscriptions/read",
  "Microsoft.Resources/subscriptions/resourceGroups/read",
  "Microsoft.Resources/subscriptions/resourceGroups/resources/read",
  "Microsoft.Resources/tags/read",
  "Microsoft.ResourceGraph/resources/read",
  "Microsoft.Authorization/locks/read",
  // Following the operations it started.
  "Microsoft.Resources/subscriptions/operationresults/read",
  "Microsoft.Databricks/locations/*/read",
  "Microsoft.MachineLearningServices/locations/*/read",
  "Microsoft.OperationalInsights/locations/*/read",
  // Reads before the permanent deletes (workspace URL, endpoints of an Azure ML workspace).
  "Microsoft.Databricks/workspaces/read",
  "Microsoft.MachineLearningServices/workspaces/read",
  "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read",
  "Microsoft.OperationalInsights/workspaces/read",
  // Soft-deleted Key Vaults: list and purge (only lab-tagged ones, decided in code).
  "Microsoft.KeyVault/deletedVaults/read",
  "Microsoft.KeyVault/locations/deletedVaults/read",
  "Microsoft.KeyVault/locations/deletedVaults/purge/action",
  "Microsoft.KeyVault/locations/operationResults/read",
  // Soft-deleted Log Analytics workspaces: listed only (ARM has no purge), so the report says why a
  // lab's name is still taken.
  "Microsoft.OperationalInsights/deletedWorkspaces/read",
];

/** The delete actions a lab group's contents need, derived from the lab program (sorted, no repeats). */
export function labDeleteActions(): string[] {
  return [...new Set(labGroupArmTypes().map((type) => `${type}/delete`))].sort((a, b) => a.localeCompare(b));
}

export const JANITOR_ROLE_ACTIONS: readonly string[] = [...CLEANUP_ACTIONS, ...labDeleteActions()];

/** A stable GUID for the role definition, so `pulumi up` updates the same role instead of adding one. */
export function roleDefinitionGuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  // Version-5-style layout (name-based), variant bits set.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
