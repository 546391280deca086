/** LRO monitors: Azure-AsyncOperation status URLs and Location result URLs handed out by core/lro.ts. */
import { ArmHttpError } from "../core/errors";
import type { RouteContext, RouteDef } from "../core/router";

function operation(ctx: RouteContext) {
  const op = ctx.core.lro.get(ctx.params.operationId);
  if (!op || op.internal || op.subscriptionId.toLowerCase() !== ctx.params.subscriptionId.toLowerCase()) {
    throw new ArmHttpError(404, "OperationNotFound", `The operation '${ctx.params.operationId}' could not be found.`);
  }
  return op;
}

export const routes: RouteDef[] = [
  {
    name: "operationStatuses",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/providers/{namespace}/locations/{location}/operationStatuses/{operationId}",
    apiVersions: "any",
    handler: (ctx) => ctx.core.lro.statusResponse(operation(ctx)),
  },
  {
    name: "operationResults",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/providers/{namespace}/locations/{location}/operationResults/{operationId}",
    apiVersions: "any",
    handler: (ctx) => ctx.core.lro.locationResponse(operation(ctx)),
  },
  {
    name: "resourceGroupOperationResults",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/operationresults/{operationId}",
    apiVersions: "any",
    handler: (ctx) => ctx.core.lro.locationResponse(operation(ctx)),
  },
];
