/**
 * Management locks (spec: resources/.../Microsoft.Authorization locks, 2020-05-01 as arm-locks 2.x
 * sends it) at subscription, resource-group and resource level: list, get, create, delete.
 * Any lock makes a resource-group DELETE fail with 409 ScopeLocked (see resource-groups.ts).
 */
import { LOCKS_API_VERSIONS } from "../core/api-versions";
import { ArmHttpError } from "../core/errors";
import { paginate } from "../core/paging";
import type { RouteContext, RouteDef, RouteResult } from "../core/router";
import { bodyObject, ok } from "../core/route-helpers";
import { lockId, rgId, type LockState } from "../core/state";

function lockBody(l: LockState): Record<string, unknown> {
  return { id: l.id, name: l.name, type: "Microsoft.Authorization/locks", properties: { level: l.level, notes: l.notes ?? "", owners: [] } };
}

/** The lock list a scope owns, and its id. */
function scopeOf(ctx: RouteContext): { scopeId: string; locks: LockState[]; inherited: LockState[] } {
  const state = ctx.core.state;
  const sub = state.subscription(ctx.params.subscriptionId);
  if (!ctx.params.resourceGroupName) {
    const all = [...sub.resourceGroups.values()].flatMap((g) => [...g.locks, ...[...g.resources.values()].flatMap((r) => r.locks)]);
    return { scopeId: `/subscriptions/${sub.id}`, locks: sub.locks, inherited: all };
  }
  const rg = state.requireResourceGroup(sub, ctx.params.resourceGroupName);
  if (!ctx.params.resourcePath) {
    const inside = [...rg.resources.values()].flatMap((r) => r.locks);
    return { scopeId: rg.id, locks: rg.locks, inherited: [...sub.locks, ...inside] };
  }
  const id = `${rgId(sub.id, rg.name)}/providers/${ctx.params.namespace}/${ctx.params.resourcePath}`;
  const res = state.findResource(id);
  if (!res) {
    throw new ArmHttpError(404, "ResourceNotFound", `The Resource '${ctx.params.namespace}/${ctx.params.resourcePath}' under resource group '${rg.name}' was not found.`);
  }
  return { scopeId: res.id, locks: res.locks, inherited: state.locksOnResource(res).filter((l) => !res.locks.includes(l)) };
}

function list(ctx: RouteContext): RouteResult {
  const { locks, inherited } = scopeOf(ctx);
  const seen = new Set<string>();
  const all = [...locks, ...inherited].filter((l) => (seen.has(l.id) ? false : (seen.add(l.id), true)));
  return paginate(ctx, all.map(lockBody));
}

function one(ctx: RouteContext): RouteResult {
  const scope = scopeOf(ctx);
  const name = ctx.params.lockName;
  const i = scope.locks.findIndex((l) => l.name.toLowerCase() === name.toLowerCase());
  if (ctx.req.method === "GET") {
    if (i < 0) throw new ArmHttpError(404, "LockNotFound", `The lock '${name}' could not be found.`);
    return ok(lockBody(scope.locks[i]));
  }
  if (ctx.req.method === "DELETE") {
    if (i >= 0) scope.locks.splice(i, 1);
    return { status: i >= 0 ? 200 : 204 };
  }
  ctx.core.state.writableSubscription(ctx.params.subscriptionId);
  if (ctx.params.resourceGroupName) ctx.core.state.writableResourceGroup(ctx.core.state.subscription(ctx.params.subscriptionId), ctx.params.resourceGroupName);
  const body = bodyObject(ctx);
  const props = (body.properties ?? {}) as Record<string, unknown>;
  const level = props.level;
  if (level !== "CanNotDelete" && level !== "ReadOnly") {
    throw new ArmHttpError(400, "InvalidLockLevel", "The lock level must be 'CanNotDelete' or 'ReadOnly'.");
  }
  const lock: LockState = { id: lockId(scope.scopeId, name), name, level, notes: typeof props.notes === "string" ? props.notes : undefined };
  if (i >= 0) scope.locks[i] = lock;
  else scope.locks.push(lock);
  return ok(lockBody(lock), i >= 0 ? 200 : 201);
}

const base = { apiVersions: LOCKS_API_VERSIONS, apiVersionError: "NoRegisteredProviderFound" as const };

export const routes: RouteDef[] = [
  { ...base, name: "locks.listAtSubscription", methods: ["GET"], path: "/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/locks", handler: list },
  { ...base, name: "locks.atSubscription", methods: ["GET", "PUT", "DELETE"], path: "/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/locks/{lockName}", handler: one },
  { ...base, name: "locks.listAtResourceGroup", methods: ["GET"], path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Authorization/locks", handler: list },
  { ...base, name: "locks.atResourceGroup", methods: ["GET", "PUT", "DELETE"], path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Authorization/locks/{lockName}", handler: one },
  {
    ...base,
    name: "locks.listAtResource",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/{namespace}/{*resourcePath}/providers/Microsoft.Authorization/locks",
    handler: list,
  },
  {
    ...base,
    name: "locks.atResource",
    methods: ["GET", "PUT", "DELETE"],
    path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/{namespace}/{*resourcePath}/providers/Microsoft.Authorization/locks/{lockName}",
    handler: one,
  },
];
