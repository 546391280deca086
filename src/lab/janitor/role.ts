/**
 * The janitor's custom role: exactly what `mlflow-lab cleanup --yes` calls, and nothing that creates or
 * changes anything. Read resources, locks and tags; query Resource Graph; delete resource groups and
 * the resources ARM deletes inside them; the permanent deletes and purges of soft-deletable items;
 * read the status of the operations it started. No `*` actions except status reads under a provider's
 * `locations/` (operation-status endpoints differ between providers and API versions).
 *
 * ARM deletes a group by sending a DELETE for each resource in it as the caller, so the role also needs
 * the delete action of every resource type a lab contains (the list below follows src/lab); a type the
 * list misses makes the group delete fail with AuthorizationFailed naming the action, which cleanup
 * reports as a failed group.
 */
import { createHash } from "node:crypto";

export const JANITOR_ROLE_ACTIONS: readonly string[] = [
  // Discovery and the re-read before every delete.
  "Microsoft.Resources/subscriptions/read",
  "Microsoft.Resources/subscriptions/resourceGroups/read",
  "Microsoft.Resources/subscriptions/resourceGroups/resources/read",
  "Microsoft.Resources/tags/read",
  "Microsoft.ResourceGraph/resources/read",
  "Microsoft.Authorization/locks/read",
  // Deleting lab groups and following the operation.
  "Microsoft.Resources/subscriptions/resourceGroups/delete",
  "Microsoft.Resources/subscriptions/operationresults/read",
  // Resources a lab group contains (ARM deletes each as the caller).
  "Microsoft.Databricks/workspaces/read",
  "Microsoft.Databricks/workspaces/delete",
  "Microsoft.Databricks/accessConnectors/delete",
  "Microsoft.Databricks/locations/*/read",
  "Microsoft.MachineLearningServices/workspaces/read",
  "Microsoft.MachineLearningServices/workspaces/delete",
  "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read",
  "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/delete",
  "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/delete",
  "Microsoft.MachineLearningServices/workspaces/computes/delete",
  "Microsoft.MachineLearningServices/locations/*/read",
  "Microsoft.OperationalInsights/workspaces/read",
  "Microsoft.OperationalInsights/workspaces/delete",
  "Microsoft.OperationalInsights/locations/*/read",
  "Microsoft.Insights/components/delete",
  "Microsoft.Storage/storageAccounts/delete",
  "Microsoft.KeyVault/vaults/delete",
  "Microsoft.ContainerRegistry/registries/delete",
  "Microsoft.ContainerInstance/containerGroups/delete",
  "Microsoft.ContainerService/managedClusters/delete",
  "Microsoft.KubernetesConfiguration/extensions/delete",
  "Microsoft.ManagedIdentity/userAssignedIdentities/delete",
  // Soft-deleted Key Vaults: list and purge (only lab-tagged ones, decided in code).
  "Microsoft.KeyVault/deletedVaults/read",
  "Microsoft.KeyVault/locations/deletedVaults/read",
  "Microsoft.KeyVault/locations/deletedVaults/purge/action",
  "Microsoft.KeyVault/locations/operationResults/read",
  // Soft-deleted Log Analytics workspaces: listed only (ARM has no purge), so the report says why a
  // lab's name is still taken.
  "Microsoft.OperationalInsights/deletedWorkspaces/read",
];

/** A stable GUID for the role definition, so `pulumi up` updates the same role instead of adding one. */
export function roleDefinitionGuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  // Version-5-style layout (name-based), variant bits set.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
