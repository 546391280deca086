/**
 * Soft-deleted Log Analytics workspaces (spec: operationalinsights/.../DeletedWorkspaces_List*).
 * There is no purge API: re-creating the workspace in the same group and region recovers it, and a
 * DELETE with force=true removes it for good (see resource-types/log-analytics.ts).
 */
import { RESOURCE_TYPE_API_VERSIONS } from "../core/api-versions";
import { paginate } from "../core/paging";
import type { RouteContext, RouteDef } from "../core/router";
import type { DeletedItemState } from "../core/state";

const VERSIONS = RESOURCE_TYPE_API_VERSIONS["microsoft.operationalinsights/workspaces"];

function body(d: DeletedItemState): Record<string, unknown> {
  return {
    id: d.originalId,
    name: d.name,
    type: "Microsoft.OperationalInsights/workspaces",
    location: d.location,
    tags: { ...d.tags },
    properties: { provisioningState: "Deleting", deletedDate: new Date(d.deletedAt).toISOString() },
  };
}

function list(ctx: RouteContext) {
  const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
  const rg = ctx.params.resourceGroupName?.toLowerCase();
  return paginate(ctx, sub.deleted.filter((d) => d.kind === "logAnalyticsWorkspace" && (!rg || d.resourceGroup.toLowerCase() === rg)).map(body));
}

export const routes: RouteDef[] = [
  {
    name: "logAnalytics.deletedWorkspaces",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/providers/Microsoft.OperationalInsights/deletedWorkspaces",
    apiVersions: VERSIONS,
    apiVersionError: "NoRegisteredProviderFound",
    handler: list,
  },
  {
    name: "logAnalytics.deletedWorkspacesByGroup",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/deletedWorkspaces",
    apiVersions: VERSIONS,
    apiVersionError: "NoRegisteredProviderFound",
    handler: list,
  },
];
