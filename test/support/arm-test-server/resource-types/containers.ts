/** AKS managed clusters and container groups: plain resources whose create and delete are LROs. */
import type { ResourceTypeHooks } from "../core/resource-types";

export const managedClusters: ResourceTypeHooks = {
  type: "Microsoft.ContainerService/managedClusters",
  creatingState: "Creating",
  createDurationMs: ({ core, existing }) => (existing ? 0 : core.duration("lroCreate")),
  deleteDurationMs: ({ core, cascade }) => (cascade ? 0 : core.duration("lroDelete")),
};

export const containerGroups: ResourceTypeHooks = {
  type: "Microsoft.ContainerInstance/containerGroups",
  creatingState: "Pending",
  createDurationMs: ({ core, existing }) => (existing ? 0 : core.duration("lroCreate")),
  deleteDurationMs: ({ core, cascade }) => (cascade ? 0 : core.duration("lroDelete")),
};
