import { aksShapeFor, ENDPOINT_SIZES, MANAGED_SHAPE, type EndpointSize } from "../config/endpoint-sizes";

/**
 * The virtual machines a stack needs besides the Databricks node, for region selection: the AKS node
 * pool of `aks` endpoints and the instances of `managed` endpoints. Each is checked in a region like the
 * Databricks node (offered, unrestricted, within quota), against the quota it really draws on.
 */
export interface StackVm {
  /** What the VMs are for, as verdicts name them: "AKS node pool", "managed endpoint penguin-managed". */
  role: string;
  vmSize: string;
  /** VMs counted against quota, headroom included (see below). */
  count: number;
  /**
   * `compute`: the subscription's Microsoft.Compute vCPU quota (family and regional `cores`), as any VM.
   * `azureml`: Azure ML's own dedicated-core quota: "Azure Machine Learning compute is an exception. It
   * has a separate quota from the core compute quota", shared with managed online endpoint deployments
   * (learn.microsoft.com/azure/machine-learning/how-to-manage-quotas, ms.date 2026-01-27).
   */
  quota: "compute" | "azureml";
}

/**
 * "Azure Machine Learning reserves 20% extra compute resources for performing upgrades. For example, if
 * you request 10 instances in a deployment, you must have a quota for 12" (how-to-manage-quotas, as
 * above): one instance needs quota for two (the "Currently available: 6, Requested: 4" failure for one
 * Standard_DS2_v2 instance).
 */
export function managedQuotaInstances(instances: number): number {
  return Math.ceil(instances * 1.2);
}

/**
 * AKS checks quota for a surge node too: "Insufficient vcpu quota requested 2, remaining 0 for family
 * StandardDasv7Family for region eastus. Surge nodes would also consume vcpu quota."
 * (ErrCode_InsufficientVCPUQuota, quoted in 1ChristianAlex/motordesk#14, 2026). The default max surge
 * is one node for the lab's pools of one to three.
 */
export const AKS_SURGE_NODES = 1;

function endpointSize(size: string | undefined): EndpointSize {
  return ENDPOINT_SIZES.find((s) => s === size) ?? "small";
}

export function stackVmsFromEndpoints(endpoints: ReadonlyArray<{ name?: string; kind: string; size?: string }>): StackVm[] {
  const vms: StackVm[] = [];
  const aks = endpoints.filter((e) => e.kind === "aks");
  if (aks.length > 0) {
    // One cluster for all aks endpoints, sized for the largest (as the program builds it).
    const shape = aksShapeFor(aks.map((e) => endpointSize(e.size)));
    vms.push({ role: "AKS node pool", vmSize: shape.nodeVmSize, count: shape.nodeCount + AKS_SURGE_NODES, quota: "compute" });
  }
  for (const endpoint of endpoints) {
    if (endpoint.kind !== "managed") continue;
    const shape = MANAGED_SHAPE[endpointSize(endpoint.size)];
    vms.push({
      role: `managed endpoint ${endpoint.name ?? ""}`.trim(),
      vmSize: shape.instanceType,
      count: managedQuotaInstances(shape.instanceCount),
      quota: "azureml",
    });
  }
  return vms;
}

/** Whether selection for these VMs needs Azure ML's quota rows (read only when it does). */
export function needsAzureMlQuota(vms: readonly StackVm[] | undefined): boolean {
  return (vms ?? []).some((vm) => vm.quota === "azureml");
}
