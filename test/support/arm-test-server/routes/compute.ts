/**
 * Microsoft.Compute regional usages and resource SKUs (spec: compute/.../Microsoft.Compute, usage
 * operations of ComputeRP, and skus of the 2021-07-01 ResourceSkus swagger).
 */
import { COMPUTE_API_VERSIONS, COMPUTE_SKUS_API_VERSIONS } from "../core/api-versions";
import { ArmHttpError, armErrors } from "../core/errors";
import { paginate } from "../core/paging";
import type { RouteDef } from "../core/router";
import { normalizeLocation, skuBody, usageBody, type SubscriptionState } from "../core/state";

function knownLocation(sub: SubscriptionState, location: string): string | undefined {
  const loc = normalizeLocation(location);
  return sub.locations.includes(loc) ? loc : undefined;
}

export const routes: RouteDef[] = [
  {
    name: "compute.usages",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/usages",
    apiVersions: COMPUTE_API_VERSIONS,
    apiVersionError: "NoRegisteredProviderFound",
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      const loc = knownLocation(sub, ctx.params.location);
      if (!loc) throw armErrors.noRegisteredProvider(ctx.apiVersion, "locations/usages", COMPUTE_API_VERSIONS, ctx.params.location);
      const rows = sub.usages[loc] ?? sub.usages["*"] ?? [];
      return paginate(ctx, rows.map(usageBody));
    },
  },
  {
    name: "compute.skus",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/skus",
    apiVersions: COMPUTE_SKUS_API_VERSIONS,
    apiVersionError: "NoRegisteredProviderFound",
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      const filter = ctx.q("$filter");
      let locations = sub.locations;
      if (filter) {
        // ResourceSkus supports exactly one filter: location eq '<name>'.
        const m = /^\s*location\s+eq\s+'([^']+)'\s*$/i.exec(filter);
        if (!m) throw new ArmHttpError(400, "InvalidFilter", `The filter '${filter}' is not supported. Only "location eq '<location>'" is supported.`);
        const loc = normalizeLocation(m[1]);
        locations = sub.locations.includes(loc) ? [loc] : [];
      }
      const items = locations.flatMap((loc) => (sub.skus[loc] ?? sub.skus["*"] ?? []).map((s) => skuBody(s, loc)));
      return paginate(ctx, items);
    },
  },
];
