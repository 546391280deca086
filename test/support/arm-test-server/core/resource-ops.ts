/**
 * Resource and resource-group operations shared by the routes and the per-type hooks: response
 * bodies, deletes (with their hooks) and the resource-group delete cascade.
 */
import { ArmHttpError, armErrors, type ArmErrorBody } from "./errors";
import type { Operation } from "./lro";
import type { RouteContext } from "./router";
import type { ServerCore } from "./server-core";
import type { PolicyAssignmentSeed } from "./inventory";
import { normalizeLocation, type ResourceGroupState, type ResourceState, type SubscriptionState } from "./state";

export const ALLOWED_LOCATIONS_DEFINITION = "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c";

export function resourceGroupBody(rg: ResourceGroupState): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: rg.id,
    name: rg.name,
    type: "Microsoft.Resources/resourceGroups",
    location: rg.location,
    properties: { provisioningState: rg.provisioningState },
  };
  if (rg.managedBy) body.managedBy = rg.managedBy;
  if (Object.keys(rg.tags).length > 0) body.tags = { ...rg.tags };
  return body;
}

export function resourceBody(core: ServerCore, res: ResourceState): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: res.id,
    name: res.name,
    type: res.type,
    ...(res.location ? { location: res.location } : {}),
    tags: { ...res.tags },
    ...(res.sku ? { sku: res.sku } : {}),
    ...(res.kind ? { kind: res.kind } : {}),
    ...(res.identity ? { identity: res.identity } : {}),
    ...(res.managedBy ? { managedBy: res.managedBy } : {}),
    properties: { ...res.properties, provisioningState: res.provisioningState },
    systemData: { createdAt: new Date(res.createdAt).toISOString(), createdByType: "Application" },
  };
  const hooks = core.hooksFor(res.type);
  return hooks?.present ? hooks.present(core, res, body) : body;
}

/** Removes a resource now and runs its type's onDeleted (soft delete, managed RG cleanup...). */
export function deleteResourceNow(core: ServerCore, res: ResourceState, cascade: boolean, route?: RouteContext): void {
  const sub = core.state.subscription(res.subscriptionId);
  const rg = core.state.resourceGroup(sub, res.resourceGroup);
  if (rg) {
    // Children first, so their hooks run too.
    const prefix = `${res.id.toLowerCase()}/`;
    const children = [...rg.resources.values()].filter((r) => r.id.toLowerCase().startsWith(prefix)).sort((a, b) => b.id.length - a.id.length);
    for (const child of children) if (rg.resources.has(child.id.toLowerCase())) deleteResourceNow(core, child, true, route);
  }
  core.state.removeResource(res);
  core.hooksFor(res.type)?.onDeleted?.({ core, resource: res, cascade, route });
}

/** Starts (or joins) the delete of a resource group: 202 + Location, Deleting, then 404. */
export function startResourceGroupDelete(core: ServerCore, rg: ResourceGroupState, apiVersion: string, route?: RouteContext): Operation {
  if (rg.deleteOperationId) {
    const existing = core.lro.get(rg.deleteOperationId);
    if (existing && existing.status === "InProgress") return existing;
  }
  const failWith = route ? core.faults.lroFailure(route.req.method, route.req.path) : undefined;
  const stuck = route ? core.faults.lroStuck(route.req.method, route.req.path) : false;
  const op = core.lro.start({
    subscriptionId: rg.subscriptionId,
    namespace: "Microsoft.Resources",
    location: rg.location,
    apiVersion,
    // A stuck delete stays InProgress (and the group Deleting) for good.
    durationMs: stuck ? Number.POSITIVE_INFINITY : core.duration("resourceGroupDelete"),
    kind: "resourceGroupDelete",
    resourceId: rg.id,
    asyncOperationHeader: false,
    failWith,
    failureStatus: 409,
    complete: () => {
      if (failWith) {
        rg.provisioningState = "Succeeded";
        rg.deleteOperationId = undefined;
        core.state.updateResourceGroup(rg, {});
        return;
      }
      cascadeResourceGroupDelete(core, rg);
    },
  });
  core.state.markResourceGroupDeleting(rg, op.id);
  return op;
}

/** What happens when a group's delete completes: every resource is deleted with its hooks, then the group. */
export function cascadeResourceGroupDelete(core: ServerCore, rg: ResourceGroupState): void {
  const resources = [...rg.resources.values()].sort((a, b) => b.id.length - a.id.length);
  for (const r of resources) if (rg.resources.has(r.id.toLowerCase())) deleteResourceNow(core, r, true);
  core.state.removeResourceGroup(rg);
}

/** Refuses a write into a scope held by a ReadOnly lock, or a delete under any lock. */
export function assertNotLocked(scopeId: string, locks: Array<{ id: string; level: string }>, operation: "delete" | "write"): void {
  const blocking = operation === "delete" ? locks : locks.filter((l) => l.level === "ReadOnly");
  if (blocking.length > 0) throw armErrors.scopeLocked(scopeId, blocking.map((l) => l.id), operation);
}

/** Allowed-locations policy assignments in force for a subscription (Indexed mode: not for RGs). */
export function enforcedAllowedLocations(sub: SubscriptionState): Array<{ assignment: PolicyAssignmentSeed; allowed: string[] }> {
  return sub.policyAssignments
    .filter((a) => a.enforcementMode !== "DoNotEnforce")
    .filter((a) => a.policyDefinitionId.toLowerCase() === ALLOWED_LOCATIONS_DEFINITION.toLowerCase() || a.name === "sys.regionrestriction")
    .map((a) => {
      const value = a.allowedLocations ?? (a.parameters?.listOfAllowedLocations?.value as string[] | undefined) ?? [];
      return { assignment: a, allowed: value.map(normalizeLocation) };
    });
}

/** 403 RequestDisallowedByPolicy when an allowed-locations assignment excludes the location. */
export function assertLocationAllowedByPolicy(sub: SubscriptionState, resourceName: string, location: string): void {
  const loc = normalizeLocation(location);
  if (loc === "global") return;
  for (const { assignment, allowed } of enforcedAllowedLocations(sub)) {
    if (!allowed.includes(loc)) {
      const scope = assignment.scope ?? `/subscriptions/${sub.id}`;
      const ids = JSON.stringify([
        {
          policyAssignment: { name: assignment.displayName ?? assignment.name, id: `${scope}/providers/Microsoft.Authorization/policyAssignments/${assignment.name}` },
          policyDefinition: { name: "Allowed locations", id: assignment.policyDefinitionId },
        },
      ]);
      throw new ArmHttpError(403, "RequestDisallowedByPolicy", `Resource '${resourceName}' was disallowed by policy. Policy identifiers: '${ids}'.`, { target: resourceName });
    }
  }
}

/** ARM's quota message (https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-resource-quota) for a family row in a location. */
export function quotaExceededMessage(sub: SubscriptionState, location: string, family: string, additional: number): string {
  const rows = sub.usages[location] ?? sub.usages["*"] ?? [];
  const row = rows.find((r) => r.name.toLowerCase() === family.toLowerCase()) ?? rows.find((r) => r.name === "cores");
  const limit = row?.limit ?? 0;
  const usage = row?.currentValue ?? 0;
  return (
    `Operation could not be completed as it results in exceeding approved ${family} Cores quota. Additional details - ` +
    `Deployment Model: Resource Manager, Location: ${location}, Current Limit: ${limit}, Current Usage: ${usage}, ` +
    `Additional Required: ${additional}, (Minimum) New Limit Required: ${usage + additional}. Submit a request for Quota increase at ` +
    `https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView/Parameters/%7B%22SubscriptionId%22:%22${sub.id}%22,%22Command%22:%22openQuotaApprovalBlade%22%7D ` +
    `by specifying parameters listed in the 'Details' section for deployment to succeed. Please read more about quota limits at https://docs.microsoft.com/en-us/azure/azure-supportability/per-vm-quota-requests`
  );
}

/** The seeded create failure (if any) a new resource of this type/location/name hits. */
export function seededCreateFailure(sub: SubscriptionState, type: string, location: string, name: string): { mode: "sync" | "lro"; error: ArmErrorBody } | undefined {
  for (const f of sub.createFailures) {
    if (f.resourceType.toLowerCase() !== type.toLowerCase()) continue;
    if (f.location && normalizeLocation(f.location) !== normalizeLocation(location)) continue;
    if (f.namePattern && !new RegExp(f.namePattern, "i").test(name)) continue;
    if (f.count !== undefined && f.used >= f.count) continue;
    f.used++;
    const family = f.family ?? "standardDSv2Family";
    const message = f.message ?? quotaExceededMessage(sub, normalizeLocation(location), family, f.additionalRequired ?? 4);
    return { mode: f.mode, error: { code: f.code, message } };
  }
  return undefined;
}
