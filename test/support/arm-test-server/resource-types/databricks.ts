/**
 * Microsoft.Databricks/workspaces: the PUT is an LRO (Accepted → Succeeded/Failed); a Hybrid workspace
 * creates its managed resource group (managedBy = workspace id, direct DELETE denied); deleting the
 * workspace removes that group after durations.managedResourceGroupRemoval. GET reports the location
 * as a display name, as the real RP does (https://learn.microsoft.com/rest/api/resources/providers/get: `locations` are display names).
 *
 * computeMode (API 2026-01-01, Azure/azure-rest-api-specs specification/databricks/.../models.tsp):
 * "Required on create, cannot be changed"; missing, the service takes Hybrid. A Hybrid workspace needs managedResourceGroupId; a Serverless
 * one has no managed group, reports isUcEnabled true, and does not allow managedResourceGroupId, custom
 * parameters, defaultCatalog, requiredNsgRules, accessConnector or defaultStorageFirewall ("Not allowed in
 * Serverless ComputeMode workspace"; the spec names no error code, so the 400 InvalidParameter of the
 * other checks here is used).
 */
import { ArmHttpError } from "../core/errors";
import type { ResourceTypeHooks } from "../core/resource-types";
import { cascadeResourceGroupDelete } from "../core/resource-ops";
import { normalizeLocation } from "../core/state";

const NOT_ON_SERVERLESS = ["managedResourceGroupId", "parameters", "defaultCatalog", "requiredNsgRules", "accessConnector", "defaultStorageFirewall"];

function managedGroupName(id: string): string | undefined {
  const m = /\/resourceGroups\/([^/]+)$/i.exec(id);
  return m?.[1];
}

export const hooks: ResourceTypeHooks = {
  type: "Microsoft.Databricks/workspaces",
  creatingState: "Accepted",
  validatePut({ resource, existing, core, sub }) {
    // The service takes a missing computeMode as Hybrid (Azure/azure-powershell#28955).
    const computeMode = (resource.properties.computeMode as string | undefined) ?? (existing?.properties.computeMode as string | undefined) ?? "Hybrid";
    if (existing && existing.properties.computeMode && String(existing.properties.computeMode).toLowerCase() !== computeMode.toLowerCase()) {
      throw new ArmHttpError(400, "InvalidParameter", `The 'computeMode' of workspace '${resource.name}' cannot be changed from '${existing.properties.computeMode}' to '${computeMode}'.`);
    }
    if (computeMode.toLowerCase() === "serverless") {
      const rejected = NOT_ON_SERVERLESS.filter((key) => resource.properties[key] !== undefined);
      if (rejected.length > 0) {
        throw new ArmHttpError(400, "InvalidParameter", `The ${rejected.map((key) => `'${key}'`).join(", ")} ${rejected.length === 1 ? "property is" : "properties are"} not allowed in Serverless ComputeMode workspace.`);
      }
      return;
    }
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
    const serverless = String(resource.properties.computeMode).toLowerCase() === "serverless";
    resource.properties.isUcEnabled = serverless || (resource.properties.defaultCatalog as { initialType?: string } | undefined)?.initialType === "UnityCatalog";
    if (!resource.properties.workspaceId) {
      const id = String(Math.floor(1e15 + core.random() * 9e15));
      resource.properties.workspaceId = id;
      resource.properties.workspaceUrl = `adb-${id}.${Math.floor(core.random() * 20)}.azuredatabricks.net`;
      resource.properties.createdDateTime = new Date(core.clock.now()).toISOString();
    }
    if (serverless) return;
    const mrgName = managedGroupName(resource.properties.managedResourceGroupId as string)!;
    resource.properties.managedResourceGroupId = `/subscriptions/${sub.id}/resourceGroups/${mrgName}`;
    resource.hookData.managedResourceGroup = mrgName;
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
