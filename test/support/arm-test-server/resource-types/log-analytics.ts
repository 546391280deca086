/**
 * Microsoft.OperationalInsights/workspaces: DELETE without force=true soft-deletes (14 days). The
 * name stays blocked elsewhere in the subscription; re-creating it in the same group and region
 * recovers the workspace (the documented way out, since there is no purge API).
 */
import { ArmHttpError } from "../core/errors";
import type { ResourceTypeHooks } from "../core/resource-types";
import { softDeletedFrom } from "../core/state";

export const hooks: ResourceTypeHooks = {
  type: "Microsoft.OperationalInsights/workspaces",
  validatePut({ core, sub, rg, resource, existing }) {
    if (existing) return;
    const name = resource.name.toLowerCase();
    const deleted = sub.deleted.find((d) => d.kind === "logAnalyticsWorkspace" && d.name.toLowerCase() === name);
    if (!deleted) return;
    if (deleted.resourceGroup.toLowerCase() === rg.name.toLowerCase() && deleted.location === resource.location) {
      core.state.removeDeletedItem(deleted); // recovery
      return;
    }
    throw new ArmHttpError(
      409,
      "Conflict",
      `Workspace name '${resource.name}' is not unique: a soft-deleted workspace with this name exists in resource group '${deleted.resourceGroup}'. Recover it (create it again in that group and region) and delete it with force=true, or use another name.`,
    );
  },
  onDeleted({ core, resource, route, cascade }) {
    if (!cascade && route?.q("force")?.toLowerCase() === "true") return;
    core.state.addDeletedItem(softDeletedFrom(resource, "logAnalyticsWorkspace", core.clock.now()));
  },
};
