import { deriveSuffix } from "../config/suffix";

/**
 * Azure names of everything a lab creates, derived from its suffix. setup.ps1's names are kept
 * (`msl-<suffix>`, `databricks-<suffix>`) so instructions written for the lab still match. Names that
 * must be globally unique (storage, Key Vault, registry) or that stay reserved after deletion (Key Vault,
 * Log Analytics and Azure ML workspaces are soft-deleted) all carry the suffix, so a new lab never
 * trips over the remains of an old one with another suffix.
 */
export interface LabNames {
  suffix: string;
  labId: string;
  resourceGroup: string;
  databricksWorkspace: string;
  /** Created by Databricks itself; the program only passes its id (never declares it). */
  databricksManagedResourceGroup: string;
  clusterName: string;
  mlWorkspace: string;
  storageAccount: string;
  keyVault: string;
  logAnalytics: string;
  appInsights: string;
  containerRegistry: string;
  aksCluster: string;
  aksCompute: string;
  /** Azure name of an endpoint from config: endpoint names must be unique per region across Azure. */
  endpoint(name: string): string;
}

export function labNames(suffix: string): LabNames {
  return {
    suffix,
    labId: `msl-${suffix}`,
    resourceGroup: `msl-${suffix}`,
    databricksWorkspace: `databricks-${suffix}`,
    databricksManagedResourceGroup: `databricks-rg-${suffix}`,
    clusterName: `mlflow-lab-${suffix}`,
    mlWorkspace: `mlw-msl-${suffix}`,
    // 3-24 lowercase letters and digits, globally unique.
    storageAccount: `stmsl${suffix}`,
    // 3-24 letters, digits and hyphens, globally unique, reserved while soft-deleted.
    keyVault: `kv-msl-${suffix}`,
    logAnalytics: `log-msl-${suffix}`,
    appInsights: `appi-msl-${suffix}`,
    // 5-50 letters and digits, globally unique.
    containerRegistry: `crmsl${suffix}`,
    aksCluster: `aks-msl-${suffix}`,
    // Azure ML compute names: 2-16 characters.
    aksCompute: `k8s-${suffix}`,
    endpoint: (name) => `${name}-${suffix}`,
  };
}

/** The Databricks workspace's managed resource group id: a string, because Databricks creates the group. */
export function managedResourceGroupId(subscriptionId: string, names: Pick<LabNames, "databricksManagedResourceGroup">): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${names.databricksManagedResourceGroup}`;
}

/**
 * The name the project's Pulumi program gives its lab (buildLab). Its children keep the logical names
 * they had before the lab was a reusable component, so `pulumi up` on an existing stack finds every
 * resource under its old URN.
 */
export const PROGRAM_LAB_NAME = "lab";

/**
 * What a lab's children's Pulumi names start with: `<lab name>-`, so labs with different names never share
 * a URN; nothing for the program's own lab (PROGRAM_LAB_NAME).
 */
export function childNamePrefix(labName: string): string {
  return labName === PROGRAM_LAB_NAME ? "" : `${labName}-`;
}

/**
 * The suffix a lab without a configured one gets: the program's lab keeps the one derived from project,
 * stack and subscription (src/config/suffix.ts); any other lab adds its name, so two labs in one stack get
 * different Azure names. (`/` cannot occur in a stack name, so no stack's own suffix is reused.)
 */
export function labSuffix(project: string, stack: string, labName: string, subscriptionId: string): string {
  return deriveSuffix(project, labName === PROGRAM_LAB_NAME ? stack : `${stack}/${labName}`, subscriptionId);
}
