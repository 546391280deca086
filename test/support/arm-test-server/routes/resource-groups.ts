/**
 * Resource groups (spec: resources/.../Microsoft.Resources ResourceGroups_*, 2025-04-01 as
 * arm-resources 8.x sends it): CRUD, HEAD, list with tag filters, DELETE as an LRO (202 + Location,
 * Deleting, then 404), forceDeletionTypes, ScopeLocked, DenyAssignmentAuthorizationFailed.
 */
import { RESOURCES_API_VERSIONS } from "../core/api-versions";
import { ArmHttpError, armErrors } from "../core/errors";
import { paginate } from "../core/paging";
import { assertNotLocked, resourceBody, resourceGroupBody, startResourceGroupDelete } from "../core/resource-ops";
import type { RouteContext, RouteDef } from "../core/router";
import { bodyObject, ok, tagsFrom } from "../core/route-helpers";
import type { ResourceGroupState } from "../core/state";

const FORCE_DELETION_TYPES = ["microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets"];
const RG_NAME = /^[-\w._()]{1,90}$/;

/** ARM's $filter for resource groups: tagName eq 'x' [and tagValue eq 'y']. */
function tagFilter(filter: string | undefined): ((tags: Record<string, string>) => boolean) | undefined {
  if (!filter) return undefined;
  const m = /^\s*tagName\s+eq\s+'([^']*)'(?:\s+and\s+tagValue\s+eq\s+'([^']*)')?\s*$/i.exec(filter);
  if (!m) throw new ArmHttpError(400, "InvalidFilterInQueryString", `Invalid $filter '${filter}' specified in the query string.`);
  const [, name, value] = m;
  return (tags) => {
    const key = Object.keys(tags).find((k) => k.toLowerCase() === name.toLowerCase());
    return key !== undefined && (value === undefined || tags[key] === value);
  };
}

function denyAssignmentError(ctx: RouteContext, rg: ResourceGroupState): ArmHttpError {
  const scope = rg.id;
  return new ArmHttpError(
    403,
    "DenyAssignmentAuthorizationFailed",
    `The client '00000000-0000-0000-0000-000000000000' with object id '00000000-0000-0000-0000-000000000000' has permission to perform action ` +
      `'Microsoft.Resources/subscriptions/resourceGroups/delete' on scope '${scope}'; however, the access is denied because of the deny assignment ` +
      `with name 'System deny assignment created by managed application ${rg.managedBy}' and Id '${Buffer.from(rg.id).toString("hex").slice(0, 32)}' at scope '${scope}'.`,
  );
}

export const routes: RouteDef[] = [
  {
    name: "resourceGroups.list",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/resourcegroups",
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      const match = tagFilter(ctx.q("$filter"));
      let groups = [...sub.resourceGroups.values()];
      if (match) groups = groups.filter((g) => match(g.tags));
      const top = ctx.q("$top");
      return paginate(ctx, groups.map(resourceGroupBody), top ? { pageSize: Number(top) } : {});
    },
  },
  {
    name: "resourceGroups.get",
    methods: ["GET", "HEAD"],
    path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}",
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      const rg = ctx.core.state.resourceGroup(sub, ctx.params.resourceGroupName);
      if (ctx.req.method === "HEAD") return { status: rg ? 204 : 404 };
      if (!rg) throw armErrors.resourceGroupNotFound(ctx.params.resourceGroupName);
      return ok(resourceGroupBody(rg));
    },
  },
  {
    name: "resourceGroups.createOrUpdate",
    methods: ["PUT"],
    path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}",
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (ctx) => {
      const sub = ctx.core.state.writableSubscription(ctx.params.subscriptionId);
      const name = ctx.params.resourceGroupName;
      if (!RG_NAME.test(name) || name.endsWith(".")) {
        throw new ArmHttpError(400, "InvalidResourceGroupName", `Resource group name '${name}' is invalid. It can include alphanumeric, underscore, parentheses, hyphen, period (except at end), and Unicode characters that match the allowed characters.`);
      }
      const body = bodyObject(ctx);
      const location = typeof body.location === "string" ? body.location : undefined;
      if (!location) throw new ArmHttpError(400, "LocationRequired", "The location property is required for this definition.");
      if (!ctx.core.state.location(location)) {
        throw new ArmHttpError(400, "LocationNotAvailableForResourceGroup", `The provided location '${location}' is not available for resource group. List of available regions is '${sub.locations.join(",")}'.`);
      }
      const tags = tagsFrom(body.tags) ?? {};
      const managedBy = typeof body.managedBy === "string" ? body.managedBy : undefined;
      const existing = ctx.core.state.resourceGroup(sub, name);
      if (existing) {
        if (existing.provisioningState === "Deleting") throw armErrors.resourceGroupBeingDeleted(existing.name);
        const loc = ctx.core.state.location(location)!.name;
        if (loc !== existing.location) {
          throw new ArmHttpError(409, "InvalidResourceGroupLocation", `Invalid resource group location '${loc}'. The Resource group already exists in location '${existing.location}'.`);
        }
        assertNotLocked(existing.id, [...sub.locks, ...existing.locks], "write");
        ctx.core.state.updateResourceGroup(existing, { tags, managedBy: managedBy ?? existing.managedBy ?? null });
        return ok(resourceGroupBody(existing));
      }
      const rg = ctx.core.state.createResourceGroup(sub, name, { location: ctx.core.state.location(location)!.name, tags, managedBy });
      return ok(resourceGroupBody(rg), 201);
    },
  },
  {
    name: "resourceGroups.update",
    methods: ["PATCH"],
    path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}",
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (ctx) => {
      const sub = ctx.core.state.writableSubscription(ctx.params.subscriptionId);
      const rg = ctx.core.state.writableResourceGroup(sub, ctx.params.resourceGroupName);
      assertNotLocked(rg.id, [...sub.locks, ...rg.locks], "write");
      const body = bodyObject(ctx);
      ctx.core.state.updateResourceGroup(rg, {
        tags: tagsFrom(body.tags),
        managedBy: typeof body.managedBy === "string" ? body.managedBy : undefined,
      });
      return ok(resourceGroupBody(rg));
    },
  },
  {
    name: "resourceGroups.delete",
    methods: ["DELETE"],
    path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}",
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (ctx) => {
      const sub = ctx.core.state.writableSubscription(ctx.params.subscriptionId);
      const rg = ctx.core.state.requireResourceGroup(sub, ctx.params.resourceGroupName);
      const force = ctx.q("forceDeletionTypes");
      if (force) {
        for (const t of force.split(",").map((s) => s.trim()).filter(Boolean)) {
          if (!FORCE_DELETION_TYPES.includes(t.toLowerCase())) {
            throw new ArmHttpError(400, "InvalidForceDeletionTypes", `The resource type '${t}' does not support force deletion. Supported types are 'Microsoft.Compute/virtualMachines,Microsoft.Compute/virtualMachineScaleSets'.`);
          }
        }
      }
      if (rg.provisioningState !== "Deleting") {
        if (rg.managedBy) throw denyAssignmentError(ctx, rg);
        assertNotLocked(rg.id, ctx.core.state.locksBlockingGroupDelete(rg), "delete");
      }
      const op = startResourceGroupDelete(ctx.core, rg, ctx.apiVersion, ctx);
      if (force) (op as { forceDeletionTypes?: string }).forceDeletionTypes = force;
      return { status: 202, headers: ctx.core.lro.initialHeaders(op) };
    },
  },
  {
    name: "resources.listByResourceGroup",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/resources",
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      const rg = ctx.core.state.requireResourceGroup(sub, ctx.params.resourceGroupName);
      const items = [...rg.resources.values()].map((r) => resourceBody(ctx.core, r));
      return paginate(ctx, items);
    },
  },
  {
    name: "resources.listBySubscription",
    methods: ["GET"],
    path: "/subscriptions/{subscriptionId}/resources",
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (ctx) => {
      const sub = ctx.core.state.subscription(ctx.params.subscriptionId);
      const filter = ctx.q("$filter");
      let items = [...sub.resourceGroups.values()].flatMap((g) => [...g.resources.values()]);
      if (filter) {
        const m = /^\s*resourceType\s+eq\s+'([^']+)'\s*$/i.exec(filter);
        if (!m) throw new ArmHttpError(400, "InvalidFilterInQueryString", `Invalid $filter '${filter}' specified in the query string.`);
        items = items.filter((r) => r.type.toLowerCase() === m[1].toLowerCase());
      }
      return paginate(ctx, items.map((r) => resourceBody(ctx.core, r)));
    },
  },
];
