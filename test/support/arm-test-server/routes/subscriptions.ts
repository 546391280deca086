/**
 * Subscriptions, tenants and locations (spec: resources/.../Microsoft.Resources/subscriptions,
 * api 2022-12-01 as arm-resources-subscriptions 3.x sends it).
 */
import { SUBSCRIPTIONS_API_VERSIONS } from "../core/api-versions";
import { paginate } from "../core/paging";
import type { RouteDef } from "../core/router";
import { ok } from "../core/route-helpers";
import type { ServerCore } from "../core/server-core";
import type { SubscriptionState } from "../core/state";

export function subscriptionBody(core: ServerCore, s: SubscriptionState): Record<string, unknown> {
  return {
    id: `/subscriptions/${s.id}`,
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId: s.id,
    tenantId: core.state.tenantId,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: s.quotaId, spendingLimit: s.spendingLimit },
    tags: {},
  };
}

export const routes: RouteDef[] = [
  {
    name: "subscriptions.list",
    methods: ["GET"],
    path: "/subscriptions",
    apiVersions: SUBSCRIPTIONS_API_VERSIONS,
    handler: (ctx) => {
      const items = [...ctx.core.state.subscriptions.values()].map((s) => subscriptionBody(ctx.core, s));
      return paginate(ctx, items);
    },
  },
  {
    name: "subscriptions.get",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}",
    apiVersions: SUBSCRIPTIONS_API_VERSIONS,
    handler: (ctx) => ok(subscriptionBody(ctx.core, ctx.core.state.subscription(ctx.params.subscriptionId))),
  },
  {
    name: "subscriptions.listLocations",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/locations",
    apiVersions: SUBSCRIPTIONS_API_VERSIONS,
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      const value = ctx.core.state.locations
        .filter((l) => sub.locations.includes(l.name))
        .map((l) => ({
          id: `/subscriptions/${sub.id}/locations/${l.name}`,
          name: l.name,
          type: "Region",
          displayName: l.displayName,
          regionalDisplayName: l.regionalDisplayName ?? l.displayName,
          metadata: {
            regionType: l.regionType,
            regionCategory: l.regionCategory,
            ...(l.geographyGroup ? { geographyGroup: l.geographyGroup } : {}),
            ...(l.physicalLocation ? { physicalLocation: l.physicalLocation } : {}),
            pairedRegion: l.pairedRegion ? [{ name: l.pairedRegion, id: `/subscriptions/${sub.id}/locations/${l.pairedRegion}` }] : [],
          },
          availabilityZoneMappings: l.availabilityZones.map((z) => ({ logicalZone: z, physicalZone: `${l.name}-az${z}` })),
        }));
      // ARM returns locations in one page without nextLink.
      return ok({ value });
    },
  },
  {
    name: "tenants.list",
    methods: ["GET"],
    path: "/tenants",
    apiVersions: SUBSCRIPTIONS_API_VERSIONS,
    handler: (ctx) => ok({ value: [{ id: `/tenants/${ctx.core.state.tenantId}`, tenantId: ctx.core.state.tenantId, tenantCategory: "Home" }] }),
  },
];
