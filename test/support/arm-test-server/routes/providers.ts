/**
 * Resource providers: list, get, register (spec: resources/.../Microsoft.Resources, Providers_*).
 * Registration moves NotRegistered → Registering → Registered after durations.providerRegistration.
 * Resource-type locations are DISPLAY names ("East US 2"), as ARM returns them.
 */
import { RESOURCES_API_VERSIONS } from "../core/api-versions";
import { armErrors } from "../core/errors";
import { paginate } from "../core/paging";
import type { RouteDef } from "../core/router";
import { ok } from "../core/route-helpers";
import type { ServerCore } from "../core/server-core";
import type { ProviderState, SubscriptionState } from "../core/state";

const NAMESPACE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/;

export function providerBody(sub: SubscriptionState, p: ProviderState): Record<string, unknown> {
  return {
    id: `/subscriptions/${sub.id}/providers/${p.namespace}`,
    namespace: p.namespace,
    registrationState: p.registrationState,
    registrationPolicy: p.registrationPolicy,
    resourceTypes: p.resourceTypes.map((t) => ({
      resourceType: t.resourceType,
      locations: t.locations,
      locationMappings: [],
      apiVersions: t.apiVersions ?? [],
      ...(t.apiVersions?.length ? { defaultApiVersion: t.apiVersions[0] } : {}),
      zoneMappings: [],
      capabilities: "None",
    })),
  };
}

/** A namespace the inventory does not mention behaves as registered with no declared types. */
function providerOrImplicit(core: ServerCore, sub: SubscriptionState, namespace: string): ProviderState {
  const p = core.state.provider(sub, namespace);
  if (p) return p;
  if (!NAMESPACE.test(namespace)) throw armErrors.invalidNamespace(namespace);
  return { namespace, registrationState: "Registered", registrationPolicy: "RegistrationRequired", resourceTypes: [] };
}

export const routes: RouteDef[] = [
  {
    name: "providers.list",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/providers",
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      return paginate(ctx, [...sub.providers.values()].map((p) => providerBody(sub, p)));
    },
  },
  {
    name: "providers.get",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/providers/{namespace}",
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      return ok(providerBody(sub, providerOrImplicit(ctx.core, sub, ctx.params.namespace)));
    },
  },
  {
    name: "providers.register",
    methods: ["POST"],
    path: "/subscriptions/{subscriptionId}/providers/{namespace}/register",
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (ctx) => {
      const sub = ctx.core.state.writableSubscription(ctx.params.subscriptionId);
      const p = providerOrImplicit(ctx.core, sub, ctx.params.namespace);
      if (p.registrationState === "NotRegistered" || p.registrationState === "Unregistering") {
        p.registrationState = "Registering";
        p.registeredAt = ctx.core.clock.now() + ctx.core.duration("providerRegistration");
      }
      return ok(providerBody(sub, p));
    },
  },
];

/** Registering providers become Registered when their time comes. */
export function settleRegistrations(core: ServerCore, now: number): void {
  for (const sub of core.state.subscriptions.values()) {
    for (const p of sub.providers.values()) {
      if (p.registrationState === "Registering" && p.registeredAt !== undefined && p.registeredAt <= now) {
        p.registrationState = "Registered";
        p.registeredAt = undefined;
      }
    }
  }
}
