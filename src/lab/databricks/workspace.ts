import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/azure-native/databricks";
import * as dbx from "@pulumi/databricks";
import { managedResourceGroupId, type LabNames } from "../naming";
import type { TagMap } from "../tags";

export interface DatabricksWorkspaceArgs {
  names: LabNames;
  resourceGroupName: pulumi.Input<string>;
  location: string;
  subscriptionId: pulumi.Input<string>;
  tags: pulumi.Input<TagMap>;
}

/**
 * The Premium workspace the lab needs (model serving and single-user clusters assume Premium), and a
 * Databricks provider bound to it. Hybrid compute mode because the lab runs a classic cluster; both it
 * and the default catalog type are create-only, so a change here replaces the workspace.
 */
export function createDatabricksWorkspace(
  args: DatabricksWorkspaceArgs,
  parent: pulumi.Resource,
): { workspace: databricks.Workspace; provider: dbx.Provider } {
  const workspace = new databricks.Workspace(
    "databricks-workspace",
    {
      workspaceName: args.names.databricksWorkspace,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      sku: { name: "premium" },
      computeMode: "Hybrid",
      // Databricks creates this group itself and fails if it already exists (pulumi-azure-native#3643),
      // so it is only named here, never declared as a resource.
      managedResourceGroupId: pulumi
        .output(args.subscriptionId)
        .apply((subscriptionId) => managedResourceGroupId(subscriptionId, args.names)),
      publicNetworkAccess: "Enabled",
      // The lab reads /mlflow_lab on the DBFS root and registers into the workspace model registry,
      // both of which Unity-Catalog-default workspaces restrict.
      defaultCatalog: { initialType: "HiveMetastore" },
      tags: args.tags,
    },
    { parent },
  );

  // Azure auth for the Databricks API: the host plus the workspace's ARM id (not the numeric
  // workspaceId, pulumi-databricks#48); credentials come from the same Azure login as azure-native.
  const provider = new dbx.Provider(
    "databricks-provider",
    {
      host: pulumi.interpolate`https://${workspace.workspaceUrl}`,
      azureWorkspaceResourceId: workspace.id,
    },
    { parent },
  );
  return { workspace, provider };
}
