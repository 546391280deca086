/**
 * Generic resources under a resource group, so any Pulumi-like create works: PUT/GET/PATCH/DELETE of
 * `.../providers/{namespace}/{type}/{name}[/{childType}/{childName}...]`, lists of a type in a group or
 * subscription, and per-type behaviour from ../resource-types (LRO creates, soft delete, managed RGs).
 * Checks in ARM's order: subscription → group (exists, not Deleting) → provider registered → location
 * offered for the type → policy → locks → the type's own rules.
 */
import { apiVersionsForType } from "../core/api-versions";
import { ArmHttpError, armErrors, type ArmErrorBody } from "../core/errors";
import { paginate } from "../core/paging";
import type { PutContext } from "../core/resource-types";
import {
  assertLocationAllowedByPolicy,
  assertNotLocked,
  deleteResourceNow,
  resourceBody,
  seededCreateFailure,
} from "../core/resource-ops";
import type { RouteContext, RouteDef } from "../core/router";
import { bodyObject, ok, tagsFrom } from "../core/route-helpers";
import { normalizeLocation, rgId, type ResourceState, type SubscriptionState } from "../core/state";

/** Resource types without a location of their own (extension resources). */
const LOCATIONLESS_TYPES = new Set(["microsoft.authorization/roleassignments"]);

interface ParsedPath {
  namespace: string;
  /** e.g. "Microsoft.MachineLearningServices/workspaces/onlineEndpoints". */
  type: string;
  /** Resource name segments for an item path; empty for a collection. */
  names: string[];
  /** The item id (item paths) or the collection's parent id (collections). */
  id: string;
  kind: "item" | "collection" | "action";
  action?: string;
}

function parse(ctx: RouteContext): ParsedPath {
  const { subscriptionId, resourceGroupName, namespace, resourcePath } = ctx.params;
  const segs = resourcePath.split("/").filter(Boolean);
  const base = `${rgId(ctx.core.state.subscription(subscriptionId).id, resourceGroupName)}/providers/${namespace}`;
  let action: string | undefined;
  if (ctx.req.method === "POST" && segs.length % 2 === 1 && segs.length >= 3) action = segs.pop();
  const types = segs.filter((_, i) => i % 2 === 0);
  const names = segs.filter((_, i) => i % 2 === 1);
  const type = [namespace, ...types].join("/");
  if (segs.length % 2 === 1) {
    const parentSegs = segs.slice(0, -1);
    return { namespace, type, names, id: parentSegs.length ? `${base}/${parentSegs.join("/")}` : base, kind: "collection" };
  }
  return { namespace, type, names, id: `${base}/${segs.join("/")}`, kind: action ? "action" : "item", action };
}

function typeApiVersions(ctx: { params: Record<string, string>; core: RouteContext["core"] }): readonly string[] | "any" {
  const segs = (ctx.params.resourcePath ?? ctx.params.resourceType ?? "").split("/").filter(Boolean);
  const type = [ctx.params.namespace, ...segs.filter((_, i) => i % 2 === 0)].join("/");
  const sub = ctx.core.state.subscriptions.get((ctx.params.subscriptionId ?? "").toLowerCase());
  const declared = sub && ctx.core.state.provider(sub, ctx.params.namespace)?.resourceTypes.find((t) => t.resourceType.toLowerCase() === type.split("/").slice(1).join("/").toLowerCase());
  if (declared?.apiVersions?.length) return declared.apiVersions;
  return apiVersionsForType(type) ?? "any";
}

function assertProviderReady(ctx: RouteContext, sub: SubscriptionState, p: ParsedPath, location: string | undefined): void {
  const provider = ctx.core.state.provider(sub, p.namespace);
  if (!provider) return;
  if (provider.registrationState !== "Registered") throw armErrors.missingRegistration(provider.namespace);
  const rt = provider.resourceTypes.find((t) => t.resourceType.toLowerCase() === p.type.split("/").slice(1).join("/").toLowerCase());
  if (rt && location && rt.locations.length > 0) {
    const offered = rt.locations.map(normalizeLocation);
    if (!offered.includes(normalizeLocation(location)) && normalizeLocation(location) !== "global") {
      throw armErrors.locationNotAvailable(location, p.type, rt.locations.map(normalizeLocation));
    }
  }
}

function findExisting(ctx: RouteContext, id: string): ResourceState | undefined {
  return ctx.core.state.findResource(id);
}

function put(ctx: RouteContext) {
  const core = ctx.core;
  const p = parse(ctx);
  const sub = core.state.writableSubscription(ctx.params.subscriptionId);
  const rg = core.state.writableResourceGroup(sub, ctx.params.resourceGroupName);
  const body = bodyObject(ctx);
  const existing = findExisting(ctx, p.id);

  // Nested resources need their parent.
  let parent: ResourceState | undefined;
  if (p.names.length > 1) {
    const parentId = p.id.split("/").slice(0, -2).join("/");
    parent = core.state.findResource(parentId);
    if (!parent) {
      throw new ArmHttpError(404, "ParentResourceNotFound", `Can not perform requested operation on nested resource. Parent resource '${p.names.slice(0, -1).join("/")}' not found.`);
    }
  }
  const requested = typeof body.location === "string" ? body.location : undefined;
  // Extension resources such as role assignments have no location of their own (Authorization
  // RoleAssignments_Create takes only properties); they sit where their scope is.
  const locationless = LOCATIONLESS_TYPES.has(p.type.toLowerCase());
  if (!requested && !parent && !existing && !locationless) throw new ArmHttpError(400, "LocationRequired", "The location property is required for this definition.");
  const location = normalizeLocation(requested ?? existing?.location ?? parent?.location ?? rg.location);
  if (existing?.location && requested && normalizeLocation(requested) !== existing.location) {
    throw new ArmHttpError(409, "InvalidResourceLocation", `The resource '${p.names.join("/")}' already exists in location '${existing.location}' in resource group '${rg.name}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`);
  }
  assertProviderReady(ctx, sub, p, requested);
  if (!parent) assertLocationAllowedByPolicy(sub, p.names[p.names.length - 1], location);
  assertNotLocked(existing?.id ?? rg.id, existing ? core.state.locksOnResource(existing) : [...sub.locks, ...rg.locks], "write");

  const name = p.names[p.names.length - 1];
  const resource: ResourceState = {
    id: p.id,
    subscriptionId: sub.id,
    resourceGroup: rg.name,
    type: existing?.type ?? p.type,
    name,
    location,
    tags: tagsFrom(body.tags) ?? {},
    properties: { ...((body.properties as Record<string, unknown>) ?? {}) },
    sku: (body.sku as Record<string, unknown>) ?? existing?.sku,
    kind: typeof body.kind === "string" ? body.kind : existing?.kind,
    identity: body.identity ?? existing?.identity,
    managedBy: typeof body.managedBy === "string" ? body.managedBy : existing?.managedBy,
    locks: existing?.locks ?? [],
    provisioningState: "Succeeded",
    createdAt: existing?.createdAt ?? core.clock.now(),
    hookData: { ...(existing?.hookData ?? {}) },
  };
  delete resource.properties.provisioningState;
  const hooks = core.hooksFor(p.type);
  const pctx: PutContext = { core, route: ctx, sub, rg, existing, resource };
  hooks?.validatePut?.(pctx);

  let failWith: ArmErrorBody | undefined;
  if (!existing) {
    const seeded = seededCreateFailure(sub, p.type, location, name);
    if (seeded?.mode === "sync") throw new ArmHttpError(409, seeded.error.code, seeded.error.message);
    failWith = seeded?.error;
  }
  failWith = core.faults.lroFailure("PUT", ctx.req.path) ?? failWith;

  let duration = hooks?.createDurationMs?.(pctx) ?? 0;
  if (failWith && duration <= 0) duration = 1;
  const status = existing ? 200 : 201;

  if (duration <= 0) {
    resource.provisioningState = "Succeeded";
    core.state.putResource(rg, resource);
    hooks?.onAccepted?.(pctx);
    const err = hooks?.onProvisioned?.(core, resource);
    if (err) throw new ArmHttpError(400, err.code, err.message);
    return ok(resourceBody(core, resource), status);
  }

  resource.provisioningState = hooks?.creatingState ?? "Accepted";
  core.state.putResource(rg, resource);
  hooks?.onAccepted?.(pctx);
  const op = core.lro.start({
    subscriptionId: sub.id,
    namespace: p.namespace,
    location,
    apiVersion: ctx.apiVersion,
    durationMs: duration,
    kind: `create:${p.type}`,
    resourceId: resource.id,
    locationHeader: false,
    failWith,
    complete: () => {
      const live = core.state.findResource(resource.id);
      if (!live) return { code: "ResourceNotFound", message: "The resource was deleted while it was being created." };
      if (failWith) {
        live.provisioningState = "Failed";
        core.state.touchResource(live);
        hooks?.onFailed?.(core, live, failWith);
        return failWith;
      }
      const err = hooks?.onProvisioned?.(core, live);
      live.provisioningState = err ? "Failed" : "Succeeded";
      core.state.touchResource(live);
      if (err) hooks?.onFailed?.(core, live, err);
      return err;
    },
  });
  return ok(resourceBody(core, resource), status, core.lro.initialHeaders(op));
}

function del(ctx: RouteContext) {
  const core = ctx.core;
  const p = parse(ctx);
  const sub = core.state.writableSubscription(ctx.params.subscriptionId);
  const rg = core.state.requireResourceGroup(sub, ctx.params.resourceGroupName);
  const hooks = core.hooksFor(p.type);
  const res = findExisting(ctx, p.id);
  if (!res) {
    const handled = hooks?.deleteMissing?.(ctx, { sub, resourceGroup: rg.name, type: p.type, name: p.names[p.names.length - 1], id: p.id });
    return handled ?? { status: 204 };
  }
  if (rg.provisioningState === "Deleting") throw armErrors.resourceGroupBeingDeleted(rg.name);
  assertNotLocked(res.id, core.state.locksOnResource(res), "delete");
  const dctx = { core, route: ctx, resource: res, cascade: false };
  hooks?.validateDelete?.(dctx);
  const duration = hooks?.deleteDurationMs?.(dctx) ?? 0;
  if (duration <= 0) {
    deleteResourceNow(core, res, false, ctx);
    return { status: 200 };
  }
  const failWith = core.faults.lroFailure("DELETE", ctx.req.path);
  const stuck = core.faults.lroStuck("DELETE", ctx.req.path);
  res.provisioningState = "Deleting";
  core.state.touchResource(res);
  const op = core.lro.start({
    subscriptionId: sub.id,
    namespace: p.namespace,
    location: res.location ?? rg.location,
    apiVersion: ctx.apiVersion,
    durationMs: stuck ? Number.POSITIVE_INFINITY : duration,
    kind: `delete:${p.type}`,
    resourceId: res.id,
    failWith,
    complete: () => {
      const live = core.state.findResource(res.id);
      if (!live) return;
      if (failWith) {
        live.provisioningState = "Succeeded";
        core.state.touchResource(live);
        return;
      }
      deleteResourceNow(core, live, false, ctx);
    },
  });
  return { status: 202, headers: core.lro.initialHeaders(op) };
}

function patch(ctx: RouteContext) {
  const core = ctx.core;
  const p = parse(ctx);
  const sub = core.state.writableSubscription(ctx.params.subscriptionId);
  core.state.writableResourceGroup(sub, ctx.params.resourceGroupName);
  const res = findExisting(ctx, p.id);
  if (!res) throw armErrors.resourceNotFound(p.type, p.names.join("/"), ctx.params.resourceGroupName);
  assertNotLocked(res.id, core.state.locksOnResource(res), "write");
  const body = bodyObject(ctx);
  const tags = tagsFrom(body.tags);
  if (tags) res.tags = tags;
  if (body.properties && typeof body.properties === "object") Object.assign(res.properties, body.properties);
  if (body.sku && typeof body.sku === "object") res.sku = body.sku as Record<string, unknown>;
  core.state.touchResource(res);
  return ok(resourceBody(core, res));
}

function get(ctx: RouteContext) {
  const core = ctx.core;
  const p = parse(ctx);
  const sub = core.state.subscription(ctx.params.subscriptionId);
  const rg = core.state.requireResourceGroup(sub, ctx.params.resourceGroupName);
  if (p.kind === "collection") {
    const prefix = `${p.id.toLowerCase()}/`;
    const depth = p.names.length + 1;
    const items = [...rg.resources.values()].filter(
      (r) => r.type.toLowerCase() === p.type.toLowerCase() && r.id.toLowerCase().startsWith(prefix) && r.type.split("/").length - 1 === depth,
    );
    return paginate(ctx, items.map((r) => resourceBody(core, r)));
  }
  const res = findExisting(ctx, p.id);
  if (!res) {
    if (ctx.req.method === "HEAD") return { status: 404 };
    throw armErrors.resourceNotFound(p.type, p.names.join("/"), ctx.params.resourceGroupName);
  }
  if (ctx.req.method === "HEAD") return { status: 204 };
  return ok(resourceBody(core, res));
}

export const routes: RouteDef[] = [
  {
    name: "resources.generic",
    methods: ["GET", "HEAD", "PUT", "PATCH", "DELETE"],
    path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/{namespace}/{*resourcePath}",
    apiVersions: typeApiVersions,
    apiVersionError: "NoRegisteredProviderFound",
    handler: (ctx) => {
      switch (ctx.req.method) {
        case "PUT": return put(ctx);
        case "DELETE": return del(ctx);
        case "PATCH": return patch(ctx);
        default: return get(ctx);
      }
    },
  },
  {
    name: "resources.action",
    methods: ["POST"],
    path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/{namespace}/{*resourcePath}",
    apiVersions: typeApiVersions,
    apiVersionError: "NoRegisteredProviderFound",
    handler: (ctx) => {
      throw armErrors.notImplemented("POST", ctx.req.path);
    },
  },
  {
    name: "resources.listBySubscriptionAndType",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/providers/{namespace}/{resourceType}",
    apiVersions: typeApiVersions,
    apiVersionError: "NoRegisteredProviderFound",
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      const type = `${ctx.params.namespace}/${ctx.params.resourceType}`.toLowerCase();
      const items = [...sub.resourceGroups.values()].flatMap((g) => [...g.resources.values()]).filter((r) => r.type.toLowerCase() === type);
      return paginate(ctx, items.map((r) => resourceBody(ctx.core, r)));
    },
  },
];
