import type { UserLocation } from "./geography";
import { namespaceOf, normalizeLocation } from "./normalize";
import { stackVmsFromEndpoints, type StackVm } from "./stack-vms";

/**
 * What a stack asks of a region, derived from its lab config. Only the fields region selection needs
 * are read, so this works with the full LabConfig (src/config) and with a hand-written object in tests.
 */
export interface RegionDemandConfig {
  region?: string;
  /** classic (default): a cluster on VMs of the subscription; serverless: no VMs, no quota. */
  compute?: "classic" | "serverless";
  nodeType: string;
  nodeTypeFallbacks?: readonly string[];
  /** Worker count of the lab cluster; the lab's cluster is single node (the driver only). */
  workers?: number;
  databricksServing?: { enabled?: boolean };
  azureMl?: boolean;
  endpoints?: ReadonlyArray<{ name?: string; kind: string; size?: string }>;
}

export interface Demand {
  /**
   * classic: the cluster's VMs need the node type unrestricted and its vCPUs in quota. serverless: no VM of
   * the subscription runs; the region must offer Serverless workspaces instead (serverless-regions.ts).
   * Absent: classic.
   */
  compute?: "classic" | "serverless";
  /** The node types to try, in order (primary first, fallbacks after, duplicates removed). */
  nodeTypes: string[];
  /** VMs the cluster needs at once: 1 driver + workers (single node = 1). */
  nodes: number;
  /** Resource types that must be offered in the region (canonical casing). */
  resourceTypes: string[];
  /** Provider namespaces that must be registered on the subscription. */
  providers: string[];
  /** The stack's VMs besides the Databricks node (AKS node pool, managed endpoint instances). */
  stackVms?: StackVm[];
  /** Whether the region must support Databricks Core Model Serving, and why. */
  servingRequired: boolean;
  servingReason: string;
  preferredRegion?: string;
  /** Where the user is (--geography, --near): regions of that geography rank first (geography.ts). */
  location?: UserLocation;
}

export const RESOURCE_TYPES = {
  databricksWorkspaces: "Microsoft.Databricks/workspaces",
  mlWorkspaces: "Microsoft.MachineLearningServices/workspaces",
  containerGroups: "Microsoft.ContainerInstance/containerGroups",
  managedClusters: "Microsoft.ContainerService/managedClusters",
} as const;

/**
 * Namespaces every lab needs besides those of its resource types: cluster VMs draw on Microsoft.Compute
 * quota and the workspace's managed storage is Microsoft.Storage. A serverless lab runs no VM, so it needs
 * only Microsoft.Storage (what Microsoft's setup-serverless.ps1 registers besides Microsoft.Databricks).
 */
export const BASE_NAMESPACES = ["Microsoft.Compute", "Microsoft.Storage"] as const;
const SERVERLESS_BASE_NAMESPACES = ["Microsoft.Storage"] as const;

/**
 * Namespaces of the resource types the program creates besides the ones region selection checks for
 * offering (src/lab: the Azure ML workspace's Key Vault, Log Analytics workspace, Application Insights
 * component and, for online endpoints, container registry; the AKS Azure ML extension). Each must be
 * registered before `up`, or ARM answers MissingSubscriptionRegistration half-way through.
 */
export const AZURE_ML_NAMESPACES = ["Microsoft.KeyVault", "Microsoft.OperationalInsights", "Microsoft.Insights"] as const;
export const REGISTRY_NAMESPACE = "Microsoft.ContainerRegistry";
export const AKS_EXTENSION_NAMESPACE = "Microsoft.KubernetesConfiguration";
export const EXTRA_NAMESPACES: readonly string[] = [...AZURE_ML_NAMESPACES, REGISTRY_NAMESPACE, AKS_EXTENSION_NAMESPACE];

const ENDPOINT_RESOURCE_TYPE: Record<string, string> = {
  aci: RESOURCE_TYPES.containerGroups,
  aks: RESOURCE_TYPES.managedClusters,
  managed: RESOURCE_TYPES.mlWorkspaces,
};

function unique(values: Iterable<string>): string[] {
  const seen = new Map<string, string>();
  for (const value of values) if (!seen.has(value.toLowerCase())) seen.set(value.toLowerCase(), value);
  return [...seen.values()];
}

/**
 * Model serving is required for every lab stack, not only when the stack creates the Databricks
 * serving endpoint: lab DS-04's "Serve" step is done by hand in the workspace UI, in a region with model
 * serving (https://github.com/MicrosoftLearning/mslearn-databricks/blob/main/Instructions/Exercises/DS-04-Use-MLflow.md;
 * https://learn.microsoft.com/azure/databricks/resources/feature-region-support), so a workspace in a region without serving breaks the
 * lab half-way through even when `databricksServing.enabled` is false.
 */
export function demandFromConfig(config: RegionDemandConfig): Demand {
  const resourceTypes: string[] = [RESOURCE_TYPES.databricksWorkspaces];
  if (config.azureMl) resourceTypes.push(RESOURCE_TYPES.mlWorkspaces);
  for (const endpoint of config.endpoints ?? []) {
    const type = ENDPOINT_RESOURCE_TYPE[endpoint.kind];
    if (type) resourceTypes.push(type);
  }
  const types = unique(resourceTypes);
  const compute = config.compute ?? "classic";
  const endpoints = config.endpoints ?? [];
  const extra: string[] = [];
  if (config.azureMl) extra.push(...AZURE_ML_NAMESPACES);
  // The program adds a registry to the workspace for online deployments (src/lab/index.ts).
  if (config.azureMl && endpoints.some((e) => e.kind === "managed" || e.kind === "aks")) extra.push(REGISTRY_NAMESPACE);
  if (endpoints.some((e) => e.kind === "aks")) extra.push(AKS_EXTENSION_NAMESPACE);
  const stackVms = stackVmsFromEndpoints(endpoints);
  // AKS nodes and managed endpoint instances are VMs too, so a serverless lab with them needs Microsoft.Compute.
  const base = compute === "serverless" && stackVms.length === 0 ? SERVERLESS_BASE_NAMESPACES : BASE_NAMESPACES;
  const providers = unique([...types.map(namespaceOf), ...base, ...extra]);
  const serving = config.databricksServing?.enabled === true;
  return {
    compute,
    nodeTypes: unique([config.nodeType, ...(config.nodeTypeFallbacks ?? [])]),
    nodes: 1 + Math.max(0, Math.floor(config.workers ?? 0)),
    resourceTypes: types,
    providers,
    stackVms,
    servingRequired: true,
    servingReason: serving
      ? "the stack creates a Databricks serving endpoint"
      : "the lab's serving step needs Databricks Core Model Serving in the workspace region",
    preferredRegion: config.region ? normalizeLocation(config.region) : undefined,
  };
}
