/**
 * Policy assignments at subscription scope (spec: policy/.../Microsoft.Authorization policyAssignments,
 * arm-policy 7.x sends 2025-03-01). $filter: atScope(), atExactScope(), policyDefinitionId eq '...'.
 */
import { POLICY_API_VERSIONS } from "../core/api-versions";
import { ArmHttpError } from "../core/errors";
import { paginate } from "../core/paging";
import type { RouteDef } from "../core/router";
import type { PolicyAssignmentSeed } from "../core/inventory";

function assignmentBody(subId: string, a: PolicyAssignmentSeed): Record<string, unknown> {
  const scope = a.scope ?? `/subscriptions/${subId}`;
  const parameters = a.parameters ?? (a.allowedLocations ? { listOfAllowedLocations: { value: a.allowedLocations } } : {});
  return {
    id: `${scope}/providers/Microsoft.Authorization/policyAssignments/${a.name}`,
    name: a.name,
    type: "Microsoft.Authorization/policyAssignments",
    properties: {
      displayName: a.displayName ?? a.name,
      policyDefinitionId: a.policyDefinitionId,
      scope,
      notScopes: [],
      parameters,
      enforcementMode: a.enforcementMode,
      metadata: {},
    },
  };
}

export const routes: RouteDef[] = [
  {
    name: "policyAssignments.list",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/policyAssignments",
    apiVersions: POLICY_API_VERSIONS,
    apiVersionError: "NoRegisteredProviderFound",
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      const subScope = `/subscriptions/${sub.id}`.toLowerCase();
      let items = sub.policyAssignments;
      const filter = ctx.q("$filter")?.trim();
      if (filter) {
        for (const clause of filter.split(/\s+and\s+/i)) {
          const c = clause.trim();
          const def = /^policyDefinitionId\s+eq\s+'([^']+)'$/i.exec(c);
          if (/^atScope\(\)$/i.test(c)) {
            // Assignments at the subscription and inherited from above (management groups), not below.
            items = items.filter((a) => !(a.scope ?? subScope).toLowerCase().startsWith(`${subScope}/`));
          } else if (/^atExactScope\(\)$/i.test(c)) {
            items = items.filter((a) => (a.scope ?? subScope).toLowerCase() === subScope);
          } else if (def) {
            items = items.filter((a) => a.policyDefinitionId.toLowerCase() === def[1].toLowerCase());
          } else {
            throw new ArmHttpError(400, "InvalidFilterInQueryString", `Invalid $filter '${filter}' specified in the query string.`);
          }
        }
      }
      return paginate(ctx, items.map((a) => assignmentBody(sub.id, a)));
    },
  },
];
