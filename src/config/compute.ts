import type { ComputeKind } from "./lab-config";

/**
 * What runs the lab's notebook, and why vCPU quota does or does not matter, in one sentence that
 * `plan`, `regions` and `deploy` all print. Classic clusters are VMs of the subscription (family and
 * Total Regional vCPU quota); serverless notebook compute runs on Databricks' own capacity, which is why
 * Microsoft's serverless lab setup dropped its quota check (MicrosoftLearning/mslearn-databricks
 * setup-serverless.ps1, 2026-01: "removed capacity validation").
 */
export function describeCompute(compute: ComputeKind, nodeType: string): string {
  return compute === "serverless"
    ? "serverless: no cluster; Databricks runs the notebook on serverless compute, so no VM of your subscription runs and vCPU quota does not matter (the region must offer serverless workspaces)"
    : `classic: a single-node ${nodeType} cluster, whose vCPUs count against your subscription's quota in the region (its family and Total Regional vCPUs)`;
}
