/**
 * Microsoft.MachineLearningServices/workspaces: LRO create; DELETE leaves a soft-deleted record
 * (14 days) that blocks re-creating the name with the real message until purged; `forceToPurge=true`
 * (api-version ≥ 2023-04-01-preview) purges asynchronously, also for an already soft-deleted
 * workspace; 409 CannotDeleteResource while online endpoints exist.
 */
import { ArmHttpError } from "../core/errors";
import type { ResourceTypeHooks } from "../core/resource-types";
import type { RouteContext } from "../core/router";
import { softDeletedFrom, type DeletedItemState, type ResourceState } from "../core/state";

const FIRST_PURGE_VERSION = "2023-04-01-preview";

/** forceToPurge only exists from 2023-04-01-preview on; older versions ignore it. */
function wantsPurge(route: RouteContext | undefined): boolean {
  if (!route) return false;
  const v = route.q("forceToPurge");
  if (!v || v.toLowerCase() !== "true") return false;
  return route.apiVersion.localeCompare(FIRST_PURGE_VERSION) >= 0;
}

function onlineEndpoints(core: Parameters<NonNullable<ResourceTypeHooks["validateDelete"]>>[0]["core"], ws: ResourceState): ResourceState[] {
  const prefix = `${ws.id.toLowerCase()}/onlineendpoints/`;
  return core.state.allResources().filter((r) => r.id.toLowerCase().startsWith(prefix) && r.type.toLowerCase().endsWith("/onlineendpoints"));
}

function schedulePurge(core: RouteContext["core"], item: DeletedItemState, apiVersion: string) {
  item.purging = true;
  return core.lro.start({
    subscriptionId: item.subscriptionId,
    namespace: "Microsoft.MachineLearningServices",
    location: item.location,
    apiVersion,
    durationMs: core.duration("purge"),
    kind: "machineLearning.purge",
    complete: () => core.state.removeDeletedItem(item),
  });
}

export const hooks: ResourceTypeHooks = {
  type: "Microsoft.MachineLearningServices/workspaces",
  creatingState: "Creating",
  validatePut({ core, sub, rg, resource, existing }) {
    if (existing) return;
    const blocked = sub.deleted.find(
      (d) => d.kind === "machineLearningWorkspace" && d.resourceGroup.toLowerCase() === rg.name.toLowerCase() && d.name.toLowerCase() === resource.name.toLowerCase(),
    );
    if (blocked) throw new ArmHttpError(400, "BadRequest", "Soft-deleted workspace exists. Please purge or recover it. https://aka.ms/wsoftdelete");
    void core;
  },
  createDurationMs: ({ core, existing }) => (existing ? 0 : core.duration("machineLearningCreate")),
  validateDelete({ core, resource }) {
    const eps = onlineEndpoints(core, resource);
    if (eps.length > 0) {
      throw new ArmHttpError(
        409,
        "CannotDeleteResource",
        `Cannot delete resource while nested resources exist. Some existing nested resource IDs include: '${eps.map((e) => e.id).join("','")}'. Please delete all nested resources before deleting this resource.`,
      );
    }
  },
  deleteDurationMs: ({ core, cascade }) => (cascade ? 0 : core.duration("machineLearningDelete")),
  onDeleted({ core, resource, route, cascade }) {
    const item = core.state.addDeletedItem(softDeletedFrom(resource, "machineLearningWorkspace", core.clock.now()));
    if (!cascade && wantsPurge(route)) schedulePurge(core, item, route!.apiVersion);
  },
  deleteMissing(route, ids) {
    if (!wantsPurge(route)) return undefined;
    const item = ids.sub.deleted.find(
      (d) => d.kind === "machineLearningWorkspace" && d.resourceGroup.toLowerCase() === ids.resourceGroup.toLowerCase() && d.name.toLowerCase() === ids.name.toLowerCase(),
    );
    if (!item) return undefined;
    if (item.purging) return { status: 202, headers: {} };
    const op = schedulePurge(route.core, item, route.apiVersion);
    return { status: 202, headers: route.core.lro.initialHeaders(op) };
  },
};
