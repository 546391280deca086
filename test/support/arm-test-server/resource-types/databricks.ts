/**
 * Microsoft.Databricks/workspaces: the PUT is an LRO (Accepted → Succeeded/Failed); the workspace
 * creates its managed resource group (managedBy = workspace id, direct DELETE denied); deleting the
 * workspace removes that group after durations.managedResourceGroupRemoval. GET reports the location
 * as a display name, as the real RP does (azure-arm.md §2.5).
 */
import { ArmHttpError } from "../core/errors";
import type { ResourceTypeHooks } from "../core/resource-types";
import { cascadeResourceGroupDelete } from "../core/resource-ops";
import { normalizeLocation } from "../core/state";

function managedGroupName(id: string): string | undefined {
  const m = /\/resourceGroups\/([^/]+)$/i.exec(id);
  return m?.[1];
}

export const hooks: ResourceTypeHooks = {
  type: "Microsoft.Databricks/workspaces",
  creatingState: "Accepted",
  validatePut({ resource, existing, core, sub }) {
    const mrgId = (resource.properties.managedResourceGroupId as string | undefined) ?? (existing?.properties.managedResourceGroupId as string | undefined);
    if (!mrgId || !managedGroupName(mrgId)) {
      throw new ArmHttpError(400, "InvalidParameter", "The 'managedResourceGroupId' property is required and must be a resource group id.");
    }
    const mrg = core.state.resourceGroup(sub, managedGroupName(mrgId)!);
    if (mrg && mrg.managedBy?.toLowerCase() !== resource.id.toLowerCase()) {
      throw new ArmHttpError(
        409,
        "InvalidManagedResourceGroup",
        `The managed resource group '${mrg.name}' already exists and is not managed by workspace '${resource.name}'. Do not create the managed resource group yourself.`,
      );
    }
  },
  createDurationMs: ({ core, existing }) => (existing ? 0 : core.duration("databricksCreate")),
  onAccepted({ core, sub, resource }) {
    const mrgName = managedGroupName(resource.properties.managedResourceGroupId as string)!;
    resource.properties.managedResourceGroupId = `/subscriptions/${sub.id}/resourceGroups/${mrgName}`;
    resource.hookData.managedResourceGroup = mrgName;
    if (!resource.properties.workspaceId) {
      const id = String(Math.floor(1e15 + core.random() * 9e15));
      resource.properties.workspaceId = id;
      resource.properties.workspaceUrl = `adb-${id}.${Math.floor(core.random() * 20)}.azuredatabricks.net`;
      resource.properties.createdDateTime = new Date(core.clock.now()).toISOString();
    }
    if (!core.state.resourceGroup(sub, mrgName)) {
      core.state.createResourceGroup(sub, mrgName, {
        location: resource.location ?? "eastus",
        managedBy: resource.id,
        tags: { application: "databricks", "databricks-environment": "true", ...resource.tags },
      });
    }
  },
  deleteDurationMs: ({ core, cascade }) => (cascade ? 0 : core.duration("databricksDelete")),
  onDeleted({ core, resource }) {
    const mrgName = (resource.hookData.managedResourceGroup as string | undefined) ?? managedGroupName(String(resource.properties.managedResourceGroupId ?? ""));
    if (!mrgName) return;
    const sub = core.state.subscription(resource.subscriptionId);
    // The Databricks RP removes the managed group some time after the workspace is gone.
    core.lro.start({
      subscriptionId: sub.id,
      namespace: "Microsoft.Databricks",
      location: resource.location ?? "eastus",
      apiVersion: "internal",
      durationMs: core.duration("managedResourceGroupRemoval"),
      kind: "databricks.managedResourceGroupRemoval",
      internal: true,
      complete: () => {
        const mrg = core.state.resourceGroup(sub, mrgName);
        if (mrg && mrg.managedBy?.toLowerCase() === resource.id.toLowerCase()) cascadeResourceGroupDelete(core, mrg);
      },
    });
  },
  present(core, resource, body) {
    const loc = resource.location ? core.state.location(resource.location) : undefined;
    return { ...body, location: loc?.displayName ?? (resource.location ? normalizeLocation(resource.location) : undefined) };
  },
};
