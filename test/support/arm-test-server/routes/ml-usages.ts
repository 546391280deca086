/**
 * Azure ML's regional quota (spec: machinelearningservices/resource-manager/Microsoft.MachineLearningServices/
 * stable/2024-10-01, Usages_List, example Usage/list.json): rows with `type`, `name {value, localizedValue}`,
 * `currentValue`, `limit`, `unit`, paged. Seed them per location with `mlUsages` in the inventory.
 */
import { apiVersionsForType } from "../core/api-versions";
import { armErrors } from "../core/errors";
import { paginate } from "../core/paging";
import type { RouteDef } from "../core/router";
import { normalizeLocation, usageBody } from "../core/state";

const API_VERSIONS = (apiVersionsForType("Microsoft.MachineLearningServices/workspaces") ?? []).filter((v) => v >= "2022-05-01");

export const routes: RouteDef[] = [
  {
    name: "ml.usages",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/providers/Microsoft.MachineLearningServices/locations/{location}/usages",
    apiVersions: API_VERSIONS,
    apiVersionError: "NoRegisteredProviderFound",
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      const loc = normalizeLocation(ctx.params.location);
      if (!sub.locations.includes(loc)) throw armErrors.noRegisteredProvider(ctx.apiVersion, "locations/usages", API_VERSIONS, ctx.params.location);
      const rows = sub.mlUsages[loc] ?? sub.mlUsages["*"] ?? [];
      return paginate(
        ctx,
        rows.map((row) => ({
          id: `/subscriptions/${sub.id}/usages/${row.name.replace(/\s+/g, "_")}`,
          type: row.type,
          ...usageBody(row),
        })),
      );
    },
  },
];
