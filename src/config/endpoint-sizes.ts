/**
 * What `size: small | medium | large` means for each endpoint kind. One table so the program, the cost
 * estimate and the region selector's demand calculation agree.
 */
export const ENDPOINT_KINDS = ["aci", "aks", "managed"] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

export const ENDPOINT_SIZES = ["small", "medium", "large"] as const;
export type EndpointSize = (typeof ENDPOINT_SIZES)[number];

/** Databricks Model Serving workload sizes (the API's own spelling). */
export const SERVING_SIZES = ["Small", "Medium", "Large"] as const;
export type ServingSize = (typeof SERVING_SIZES)[number];

export interface ContainerShape {
  cpu: number;
  memoryInGB: number;
}

/** The MLflow scoring container of an ACI endpoint. */
export const ACI_SCORER_SHAPE: Record<EndpointSize, ContainerShape> = {
  small: { cpu: 1, memoryInGB: 2 },
  medium: { cpu: 2, memoryInGB: 4 },
  large: { cpu: 4, memoryInGB: 8 },
};

/** The authenticating reverse proxy in front of the scorer: tiny whatever the size. */
export const ACI_PROXY_SHAPE: ContainerShape = { cpu: 0.5, memoryInGB: 0.5 };

export interface ManagedShape {
  /** Azure ML managed online endpoints bill the VM of this size per instance. */
  instanceType: string;
  instanceCount: number;
}

/**
 * Standard_DS3_v2 is the smallest size Azure ML's MLflow no-code examples use; Azure ML also holds back
 * extra quota for upgrades, so "small" stays at one instance.
 */
export const MANAGED_SHAPE: Record<EndpointSize, ManagedShape> = {
  small: { instanceType: "Standard_DS3_v2", instanceCount: 1 },
  medium: { instanceType: "Standard_DS4_v2", instanceCount: 1 },
  large: { instanceType: "Standard_DS4_v2", instanceCount: 2 },
};

export interface AksShape {
  /** Node size of the cluster's single system pool (the Azure ML extension needs ≥ 4 vCPU / 14 GiB). */
  nodeVmSize: string;
  nodeCount: number;
  /** Replicas of the Kubernetes online deployment. */
  instanceCount: number;
}

export const AKS_SHAPE: Record<EndpointSize, AksShape> = {
  small: { nodeVmSize: "Standard_D4s_v5", nodeCount: 1, instanceCount: 1 },
  medium: { nodeVmSize: "Standard_D4s_v5", nodeCount: 2, instanceCount: 2 },
  large: { nodeVmSize: "Standard_D4s_v5", nodeCount: 3, instanceCount: 3 },
};

/**
 * The shape of the one AKS cluster shared by all `aks` endpoints: sized for the largest of them (small
 * when there are none), so the program and the cost estimate agree.
 */
export function aksShapeFor(sizes: readonly EndpointSize[]): AksShape {
  const largest = ENDPOINT_SIZES.filter((size) => sizes.includes(size)).pop() ?? "small";
  return AKS_SHAPE[largest];
}
