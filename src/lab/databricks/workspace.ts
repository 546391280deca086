import * as pulumi from "@pulumi/pulumi";
import * as databricks from "@pulumi/azure-native/databricks";
import * as dbx from "@pulumi/databricks";
import type { CatalogMode, ComputeKind } from "../../config/lab-config";
import { managedResourceGroupId, type LabNames } from "../naming";
import type { TagMap } from "../tags";
import { workspaceCatalogName } from "./lab-data";

export interface DatabricksWorkspaceArgs {
  names: Pick<LabNames, "databricksWorkspace" | "databricksManagedResourceGroup">;
  /** Starts the Pulumi names (see childNamePrefix in ../naming.ts). */
  namePrefix: string;
  resourceGroupName: pulumi.Input<string>;
  location: string;
  subscriptionId: pulumi.Input<string>;
  tags: pulumi.Input<TagMap>;
  compute: ComputeKind;
  catalogMode: CatalogMode;
}

/**
 * The Premium workspace the lab needs (model serving and single-user clusters assume Premium), and a
 * Databricks provider bound to it. computeMode and the default catalog are create-only (API 2026-01-01),
 * so a change of `compute` or `catalogMode` replaces the workspace.
 *
 * - classic: Hybrid, with the managed resource group its cluster VMs run in, and a default catalog of
 *   Unity Catalog (named after the workspace) or, in legacy mode, the Hive metastore.
 * - serverless: Serverless. ARM rejects a managed resource group, custom parameters (VNet, NPIP,
 *   storage), requiredNsgRules and defaultCatalog there, and isUcEnabled is always true ("Not allowed in
 *   Serverless ComputeMode workspace", Azure/azure-rest-api-specs specification/databricks/.../
 *   Databricks/models.tsp and examples/2026-01-01/WorkspaceCreateServerless.json, read 2026-12-03).
 */
export function createDatabricksWorkspace(
  args: DatabricksWorkspaceArgs,
  parent: pulumi.Resource,
): { workspace: databricks.Workspace; provider: dbx.Provider } {
  const common = {
    workspaceName: args.names.databricksWorkspace,
    resourceGroupName: args.resourceGroupName,
    location: args.location,
    sku: { name: "premium" },
    publicNetworkAccess: "Enabled",
    tags: args.tags,
  };
  const properties =
    args.compute === "serverless"
      ? { computeMode: "Serverless" }
      : {
          computeMode: "Hybrid",
          // Databricks creates this group itself and fails if it already exists (pulumi-azure-native#3643),
          // so it is only named here, never declared as a resource.
          managedResourceGroupId: pulumi
            .output(args.subscriptionId)
            .apply((subscriptionId) => managedResourceGroupId(subscriptionId, args.names)),
          defaultCatalog:
            args.catalogMode === "unity"
              ? { initialType: "UnityCatalog", initialName: workspaceCatalogName(args.names) }
              : // The legacy lab reads /mlflow_lab on the DBFS root and registers into the workspace
                // model registry, which Unity-Catalog-default workspaces restrict.
                { initialType: "HiveMetastore" },
        };
  const workspace = new databricks.Workspace(`${args.namePrefix}databricks-workspace`, { ...common, ...properties }, { parent });

  // Azure auth for the Databricks API: the host plus the workspace's ARM id (not the numeric
  // workspaceId, pulumi-databricks#48); credentials come from the same Azure login as azure-native.
  const provider = new dbx.Provider(
    `${args.namePrefix}databricks-provider`,
    {
      host: pulumi.interpolate`https://${workspace.workspaceUrl}`,
      azureWorkspaceResourceId: workspace.id,
    },
    { parent },
  );
  return { workspace, provider };
}
