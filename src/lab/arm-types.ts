/**
 * What each Pulumi resource type of the lab program is in Azure, so the janitor's custom role
 * (janitor/role.ts) can be derived from the program: ARM deletes a resource group by deleting every
 * resource in it as the caller, so whoever deletes a lab group needs the delete action of every type
 * the group holds, including the ones Azure adds on its own because of a resource the lab created.
 *
 * Every type the program registers must be classified here; test/unit/lab/arm-types.test.ts runs every
 * preset (and generated configs) and fails naming any type that is not, so a new resource in the
 * program cannot silently make the janitor's group deletes fail with AuthorizationFailed.
 * Action names: "Azure permissions" reference (learn.microsoft.com/azure/role-based-access-control/
 * permissions/*, e.g. permissions/storage ms.date 2024-04-25, the Monitor operations include
 * ms.date 2023-06-01), checked 2026-12-03.
 */

/** A type Azure creates in the lab's group by itself, because of a resource the lab created. */
export interface AzureAddedType {
  armType: string;
  why: string;
  /** Public source (docs URL or owner/repo#N). */
  source: string;
}

export interface ArmResourceType {
  /** The RBAC resource type: `<armType>/delete` is the action deleting it needs. */
  armType: string;
  /** Resources Azure adds to the same group because this one exists. */
  addedByAzure?: readonly AzureAddedType[];
}

/**
 * Application Insights adds a "Failure Anomalies - <component>" smart detector alert rule and an
 * "Application Insights Smart Detection" action group to the component's group (MicrosoftDocs/azure-docs
 * #117421; hashicorp/terraform-provider-azurerm#10563, #18026: destroys fail on them).
 */
const APP_INSIGHTS_SMART_DETECTION: readonly AzureAddedType[] = [
  {
    armType: "Microsoft.AlertsManagement/smartDetectorAlertRules",
    why: "the 'Failure Anomalies' alert rule Application Insights creates for each component",
    source: "MicrosoftDocs/azure-docs#117421; hashicorp/terraform-provider-azurerm#18026",
  },
  {
    armType: "Microsoft.Insights/actionGroups",
    why: "the 'Application Insights Smart Detection' action group the alert rule notifies",
    source: "hashicorp/terraform-provider-azurerm#10563",
  },
];

/** Pulumi type token → what it creates in Azure. */
export const LAB_ARM_TYPES: Readonly<Record<string, ArmResourceType>> = {
  // RBAC spells the group's type with its subscription parent.
  "azure-native:resources:ResourceGroup": { armType: "Microsoft.Resources/subscriptions/resourceGroups" },
  // Databricks deletes its managed group (databricks-rg-*) itself when the workspace goes; a system deny
  // assignment stops anyone else from deleting in it (microsoft/AzureTRE#4776), so the caller needs no
  // action on its contents.
  "azure-native:databricks:Workspace": { armType: "Microsoft.Databricks/workspaces" },
  "azure-native:machinelearningservices:Workspace": { armType: "Microsoft.MachineLearningServices/workspaces" },
  "azure-native:machinelearningservices:OnlineEndpoint": { armType: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints" },
  "azure-native:machinelearningservices:OnlineDeployment": { armType: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments" },
  "azure-native:machinelearningservices:Compute": { armType: "Microsoft.MachineLearningServices/workspaces/computes" },
  "azure-native:storage:StorageAccount": { armType: "Microsoft.Storage/storageAccounts" },
  // An Azure Files share (the ACI scorer's Caddy /data). Its parent `fileServices/default` exists with
  // every account and has no delete action of its own (permissions/storage lists only read and write):
  // it goes with the account.
  "azure-native:storage:FileShare": { armType: "Microsoft.Storage/storageAccounts/fileServices/shares" },
  "azure-native:keyvault:Vault": { armType: "Microsoft.KeyVault/vaults" },
  "azure-native:operationalinsights:Workspace": { armType: "Microsoft.OperationalInsights/workspaces" },
  "azure-native:applicationinsights:Component": { armType: "Microsoft.Insights/components", addedByAzure: APP_INSIGHTS_SMART_DETECTION },
  "azure-native:containerregistry:Registry": { armType: "Microsoft.ContainerRegistry/registries" },
  "azure-native:containerinstance:ContainerGroup": { armType: "Microsoft.ContainerInstance/containerGroups" },
  // AKS deletes its node group (MC_*) itself, like Databricks.
  "azure-native:containerservice:ManagedCluster": { armType: "Microsoft.ContainerService/managedClusters" },
  "azure-native:kubernetesconfiguration:Extension": { armType: "Microsoft.KubernetesConfiguration/extensions" },
};

/**
 * Registered types that put nothing in the lab's group that a group delete must remove. A role
 * assignment is removed by ARM with its scope: Contributor, whose notActions exclude
 * `Microsoft.Authorization/* /Delete`, deletes groups that hold them (inferred from the built-in role's
 * definition; the janitor must never be able to remove access, so it gets no such action).
 */
export const NOT_IN_GROUP: Readonly<Record<string, string>> = {
  "azure-native:authorization:RoleAssignment": "removed by ARM with the resource it is scoped to",
  "pulumi-nodejs:dynamic/lab:LabLease": "the lab's created-at/expires-at, kept in Pulumi state only",
  "pulumi-nodejs:dynamic/lab:EndpointTraffic": "a setting on an online endpoint, not a resource",
  "pulumi-nodejs:dynamic/lab:UnityCatalogCheck": "a deploy-time read of the workspace's Unity Catalog metastore assignment",
};

/** Whole families that are never Azure resources, by token prefix. */
export const NOT_ARM_PREFIXES: ReadonlyArray<{ prefix: string; why: string }> = [
  { prefix: "azure-mlflow-lab:", why: "the lab's components only group resources" },
  { prefix: "databricks:", why: "objects inside the Databricks workspace (its REST API); they go with the workspace" },
  { prefix: "pulumi:providers:", why: "provider configuration" },
  { prefix: "random:", why: "values kept in Pulumi state" },
];

/**
 * What a lab group can hold that the program does not create: resources a learner makes in the lab
 * group while following the Unity Catalog steps (an access connector, optionally with a user-assigned
 * identity: learn.microsoft.com/azure/databricks/connect/unity-catalog/cloud-storage/azure-managed-identities).
 */
export const HAND_MADE_IN_LAB_GROUPS: readonly AzureAddedType[] = [
  {
    armType: "Microsoft.Databricks/accessConnectors",
    why: "an access connector for Unity Catalog storage, made by hand in the lab group",
    source: "learn.microsoft.com/azure/databricks/connect/unity-catalog/cloud-storage/azure-managed-identities",
  },
  {
    armType: "Microsoft.ManagedIdentity/userAssignedIdentities",
    why: "the user-assigned identity such a connector may use",
    source: "learn.microsoft.com/azure/databricks/connect/unity-catalog/cloud-storage/azure-managed-identities",
  },
];

export type TypeCoverage =
  | { kind: "arm"; type: ArmResourceType }
  | { kind: "not-in-group"; why: string }
  | { kind: "unknown" };

/** How a registered Pulumi type is covered; "unknown" means it must be added to LAB_ARM_TYPES. */
export function coverageOf(pulumiType: string): TypeCoverage {
  const arm = LAB_ARM_TYPES[pulumiType];
  if (arm) return { kind: "arm", type: arm };
  const why = NOT_IN_GROUP[pulumiType] ?? NOT_ARM_PREFIXES.find((p) => pulumiType.startsWith(p.prefix))?.why;
  return why ? { kind: "not-in-group", why } : { kind: "unknown" };
}

/** Every ARM type a lab group can hold: the program's, what Azure adds because of them, and hand-made ones. */
export function labGroupArmTypes(): string[] {
  const types = new Set<string>();
  for (const entry of Object.values(LAB_ARM_TYPES)) {
    types.add(entry.armType);
    for (const added of entry.addedByAzure ?? []) types.add(added.armType);
  }
  for (const extra of HAND_MADE_IN_LAB_GROUPS) types.add(extra.armType);
  return [...types];
}
