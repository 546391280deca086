/**
 * The server's world: subscriptions, locations, quotas, SKUs, providers, policies, resource groups,
 * resources, locks and soft-deleted items, seeded from an inventory. Every mutation goes through the
 * methods here so Resource Graph's journal (for its eventual-consistency lag) sees it.
 */
import type { SimClock } from "./clock";
import { armErrors } from "./errors";
import {
  localizedUsageName,
  type CreateFailureSeed,
  type Inventory,
  type LocationSeed,
  type PolicyAssignmentSeed,
  type ProviderSeed,
  type SkuSeed,
  type MlUsageRow,
  type UsageRow,
} from "./inventory";

export interface LockState {
  id: string;
  name: string;
  level: "CanNotDelete" | "ReadOnly";
  notes?: string;
}

export interface ResourceState {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  /** Full type, e.g. Microsoft.MachineLearningServices/workspaces/onlineEndpoints. */
  type: string;
  name: string;
  location?: string;
  tags: Record<string, string>;
  properties: Record<string, unknown>;
  sku?: Record<string, unknown>;
  kind?: string;
  identity?: unknown;
  managedBy?: string;
  locks: LockState[];
  provisioningState: string;
  createdAt: number;
  /** Per-type hook data (e.g. the Databricks managed RG name). */
  hookData: Record<string, unknown>;
}

export interface ResourceGroupState {
  id: string;
  subscriptionId: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  managedBy?: string;
  provisioningState: "Succeeded" | "Deleting";
  locks: LockState[];
  resources: Map<string, ResourceState>;
  /** Operation id of a running delete. */
  deleteOperationId?: string;
}

export type DeletedKind = "machineLearningWorkspace" | "keyVault" | "logAnalyticsWorkspace";

export interface DeletedItemState {
  kind: DeletedKind;
  name: string;
  /** The id the live resource had. */
  originalId: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  deletedAt: number;
  scheduledPurgeAt: number;
  purgeProtection: boolean;
  /** A purge was accepted and completes asynchronously. */
  purging: boolean;
  properties: Record<string, unknown>;
}

export interface ProviderState {
  namespace: string;
  registrationState: string;
  registrationPolicy: string;
  resourceTypes: Array<{ resourceType: string; locations: string[]; apiVersions?: string[] }>;
  /** When a register call makes it Registered. */
  registeredAt?: number;
}

export interface SubscriptionState {
  id: string;
  displayName: string;
  state: string;
  quotaId: string;
  spendingLimit: string;
  locations: string[];
  usages: Record<string, UsageRow[]>;
  mlUsages: Record<string, MlUsageRow[]>;
  skus: Record<string, SkuSeed[]>;
  providers: Map<string, ProviderState>;
  policyAssignments: PolicyAssignmentSeed[];
  locks: LockState[];
  resourceGroups: Map<string, ResourceGroupState>;
  deleted: DeletedItemState[];
  createFailures: Array<CreateFailureSeed & { used: number }>;
}

export interface GraphRow {
  [column: string]: unknown;
}

const DAY = 24 * 60 * 60 * 1000;

export const RETENTION_MS: Record<DeletedKind, number> = {
  machineLearningWorkspace: 14 * DAY,
  keyVault: 90 * DAY,
  logAnalyticsWorkspace: 14 * DAY,
};

export function rgId(sub: string, rg: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}`;
}

export function lockId(scopeId: string, name: string): string {
  return `${scopeId}/providers/Microsoft.Authorization/locks/${name}`;
}

export function normalizeLocation(loc: string): string {
  return loc.toLowerCase().replace(/\s+/g, "");
}

export class ArmState {
  readonly tenantId: string;
  readonly locations: LocationSeed[];
  readonly subscriptions = new Map<string, SubscriptionState>();
  private readonly journal = new Map<string, Array<{ at: number; row: GraphRow | null }>>();

  constructor(inventory: Inventory, readonly clock: SimClock) {
    this.tenantId = inventory.tenantId;
    this.locations = inventory.locations;
    const d = inventory.defaults;
    for (const s of inventory.subscriptions) {
      const sub: SubscriptionState = {
        id: s.subscriptionId,
        displayName: s.displayName,
        state: s.state,
        quotaId: s.quotaId,
        spendingLimit: s.spendingLimit,
        locations: s.locations ?? inventory.locations.map((l) => l.name),
        usages: { ...(d.usages ?? {}), ...(s.usages ?? {}) },
        mlUsages: { ...(d.mlUsages ?? {}), ...(s.mlUsages ?? {}) },
        skus: { ...(d.skus ?? {}), ...(s.skus ?? {}) },
        providers: new Map(),
        policyAssignments: s.policyAssignments,
        locks: [],
        resourceGroups: new Map(),
        deleted: [],
        createFailures: s.createFailures.map((f) => ({ ...f, used: 0 })),
      };
      const providers: ProviderSeed[] = [...(d.providers ?? [])];
      for (const p of s.providers ?? []) {
        const i = providers.findIndex((x) => x.namespace.toLowerCase() === p.namespace.toLowerCase());
        if (i >= 0) providers[i] = p;
        else providers.push(p);
      }
      for (const p of providers) {
        sub.providers.set(p.namespace.toLowerCase(), {
          namespace: p.namespace,
          registrationState: p.registrationState,
          registrationPolicy: p.registrationPolicy,
          resourceTypes: p.resourceTypes.map((t) => ({ ...t })),
        });
      }
      this.subscriptions.set(sub.id.toLowerCase(), sub);
      sub.locks = s.locks.map((l) => ({ ...l, id: lockId(`/subscriptions/${sub.id}`, l.name) }));
      for (const g of s.resourceGroups) {
        const rg = this.createResourceGroup(sub, g.name, { location: g.location, tags: g.tags, managedBy: g.managedBy }, 0);
        rg.provisioningState = g.provisioningState;
        rg.locks = g.locks.map((l) => ({ ...l, id: lockId(rg.id, l.name) }));
        for (const r of g.resources) {
          const id = resourceIdFor(sub.id, rg.name, r.type, r.name);
          const res: ResourceState = {
            id,
            subscriptionId: sub.id,
            resourceGroup: rg.name,
            type: r.type,
            name: r.name.split("/").pop()!,
            location: r.location ?? rg.location,
            tags: { ...r.tags },
            properties: { ...r.properties },
            sku: r.sku,
            kind: r.kind,
            managedBy: r.managedBy,
            locks: r.locks.map((l) => ({ ...l, id: lockId(id, l.name) })),
            provisioningState: (r.properties.provisioningState as string) ?? "Succeeded",
            createdAt: 0,
            hookData: {},
          };
          rg.resources.set(id.toLowerCase(), res);
          this.touch(id, 0);
        }
        this.touch(rg.id, 0);
      }
      const now = clock.now();
      for (const item of s.deletedItems) {
        const deletedAt = item.deletedAt ? Date.parse(item.deletedAt) : now;
        sub.deleted.push({
          kind: item.kind,
          name: item.name,
          originalId: resourceIdFor(sub.id, item.resourceGroup, typeForDeletedKind(item.kind), item.name),
          subscriptionId: sub.id,
          resourceGroup: item.resourceGroup,
          location: normalizeLocation(item.location),
          tags: { ...item.tags },
          deletedAt,
          scheduledPurgeAt: item.scheduledPurgeAt ? Date.parse(item.scheduledPurgeAt) : deletedAt + RETENTION_MS[item.kind],
          purgeProtection: item.purgeProtection,
          purging: false,
          properties: {},
        });
      }
      this.touch(`/subscriptions/${sub.id}`, 0);
    }
  }

  // ---- lookups ----

  subscription(id: string): SubscriptionState {
    const s = this.subscriptions.get(id.toLowerCase());
    if (!s) throw armErrors.subscriptionNotFound(id);
    return s;
  }

  /** Writes need an active subscription. */
  writableSubscription(id: string): SubscriptionState {
    const s = this.subscription(id);
    if (s.state === "Disabled" || s.state === "Deleted") throw armErrors.subscriptionDisabled(s.id);
    return s;
  }

  resourceGroup(sub: SubscriptionState, name: string): ResourceGroupState | undefined {
    return sub.resourceGroups.get(name.toLowerCase());
  }

  requireResourceGroup(sub: SubscriptionState, name: string): ResourceGroupState {
    const rg = this.resourceGroup(sub, name);
    if (!rg) throw armErrors.resourceGroupNotFound(name);
    return rg;
  }

  /** A resource group that accepts writes: exists and is not being deleted. */
  writableResourceGroup(sub: SubscriptionState, name: string): ResourceGroupState {
    const rg = this.requireResourceGroup(sub, name);
    if (rg.provisioningState === "Deleting") throw armErrors.resourceGroupBeingDeleted(rg.name);
    return rg;
  }

  findResource(id: string): ResourceState | undefined {
    const m = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\//i.exec(id);
    if (!m) return undefined;
    const sub = this.subscriptions.get(m[1].toLowerCase());
    const rg = sub && this.resourceGroup(sub, m[2]);
    return rg?.resources.get(id.toLowerCase());
  }

  allResourceGroups(): ResourceGroupState[] {
    return [...this.subscriptions.values()].flatMap((s) => [...s.resourceGroups.values()]);
  }

  allResources(): ResourceState[] {
    return this.allResourceGroups().flatMap((g) => [...g.resources.values()]);
  }

  location(name: string): LocationSeed | undefined {
    const n = normalizeLocation(name);
    return this.locations.find((l) => l.name === n || normalizeLocation(l.displayName) === n);
  }

  provider(sub: SubscriptionState, namespace: string): ProviderState | undefined {
    return sub.providers.get(namespace.toLowerCase());
  }

  // ---- mutations ----

  createResourceGroup(
    sub: SubscriptionState,
    name: string,
    input: { location: string; tags?: Record<string, string>; managedBy?: string },
    at = this.clock.now(),
  ): ResourceGroupState {
    const rg: ResourceGroupState = {
      id: rgId(sub.id, name),
      subscriptionId: sub.id,
      name,
      location: normalizeLocation(input.location),
      tags: { ...(input.tags ?? {}) },
      managedBy: input.managedBy,
      provisioningState: "Succeeded",
      locks: [],
      resources: new Map(),
    };
    sub.resourceGroups.set(name.toLowerCase(), rg);
    this.touch(rg.id, at);
    return rg;
  }

  updateResourceGroup(rg: ResourceGroupState, patch: { tags?: Record<string, string>; managedBy?: string | null }): void {
    if (patch.tags) rg.tags = { ...patch.tags };
    if (patch.managedBy !== undefined) rg.managedBy = patch.managedBy ?? undefined;
    this.touch(rg.id);
  }

  markResourceGroupDeleting(rg: ResourceGroupState, operationId: string): void {
    rg.provisioningState = "Deleting";
    rg.deleteOperationId = operationId;
    this.touch(rg.id);
  }

  removeResourceGroup(rg: ResourceGroupState): void {
    const sub = this.subscription(rg.subscriptionId);
    for (const r of rg.resources.values()) this.touchRemoved(r.id);
    sub.resourceGroups.delete(rg.name.toLowerCase());
    this.touchRemoved(rg.id);
  }

  putResource(rg: ResourceGroupState, res: ResourceState): void {
    rg.resources.set(res.id.toLowerCase(), res);
    this.touch(res.id);
  }

  touchResource(res: ResourceState): void {
    this.touch(res.id);
  }

  removeResource(res: ResourceState): void {
    const sub = this.subscription(res.subscriptionId);
    const rg = this.resourceGroup(sub, res.resourceGroup);
    if (!rg) return;
    // Children go with their parent.
    const prefix = `${res.id.toLowerCase()}/`;
    for (const [key, child] of [...rg.resources]) {
      if (key.startsWith(prefix)) {
        rg.resources.delete(key);
        this.touchRemoved(child.id);
      }
    }
    rg.resources.delete(res.id.toLowerCase());
    this.touchRemoved(res.id);
  }

  addDeletedItem(item: Omit<DeletedItemState, "purging" | "scheduledPurgeAt"> & { scheduledPurgeAt?: number }): DeletedItemState {
    const sub = this.subscription(item.subscriptionId);
    const full: DeletedItemState = { ...item, purging: false, scheduledPurgeAt: item.scheduledPurgeAt ?? item.deletedAt + RETENTION_MS[item.kind] };
    sub.deleted.push(full);
    return full;
  }

  removeDeletedItem(item: DeletedItemState): void {
    const sub = this.subscription(item.subscriptionId);
    const i = sub.deleted.indexOf(item);
    if (i >= 0) sub.deleted.splice(i, 1);
  }

  /** Soft-deleted items of a kind across the tenant (Key Vault names are global). */
  deletedItems(kind?: DeletedKind): DeletedItemState[] {
    return [...this.subscriptions.values()].flatMap((s) => s.deleted).filter((d) => !kind || d.kind === kind);
  }

  /** Drops soft-deleted items whose retention has ended. */
  expireDeletedItems(now: number): void {
    for (const s of this.subscriptions.values()) s.deleted = s.deleted.filter((d) => d.scheduledPurgeAt > now);
  }

  // ---- locks ----

  /** Locks that stop deleting this resource group: subscription, group and anything inside. */
  locksBlockingGroupDelete(rg: ResourceGroupState): LockState[] {
    const sub = this.subscription(rg.subscriptionId);
    return [...sub.locks, ...rg.locks, ...[...rg.resources.values()].flatMap((r) => r.locks)];
  }

  /** Locks inherited by a resource (subscription, group, ancestors, itself). */
  locksOnResource(res: ResourceState): LockState[] {
    const sub = this.subscription(res.subscriptionId);
    const rg = this.resourceGroup(sub, res.resourceGroup);
    const ancestors = rg ? [...rg.resources.values()].filter((r) => res.id.toLowerCase().startsWith(`${r.id.toLowerCase()}/`) || r === res) : [res];
    return [...sub.locks, ...(rg?.locks ?? []), ...ancestors.flatMap((r) => r.locks)];
  }

  // ---- Resource Graph journal ----

  private touch(id: string, at = this.clock.now()): void {
    this.record(id, this.graphRowFor(id), at);
  }

  private touchRemoved(id: string): void {
    this.record(id, null, this.clock.now());
  }

  private record(id: string, row: GraphRow | null, at: number): void {
    const key = id.toLowerCase();
    const list = this.journal.get(key) ?? [];
    list.push({ at, row });
    this.journal.set(key, list);
  }

  /** Rows as Resource Graph would have shown them at simulated time `t`. */
  graphRowsAt(t: number): { resources: GraphRow[]; resourcecontainers: GraphRow[] } {
    const resources: GraphRow[] = [];
    const resourcecontainers: GraphRow[] = [];
    for (const entries of this.journal.values()) {
      let row: GraphRow | null = null;
      for (const e of entries) if (e.at <= t) row = e.row;
      if (!row) continue;
      if (row.__table === "resources") resources.push(stripTable(row));
      else resourcecontainers.push(stripTable(row));
    }
    return { resources, resourcecontainers };
  }

  private graphRowFor(id: string): GraphRow | null {
    const subOnly = /^\/subscriptions\/([^/]+)$/i.exec(id);
    if (subOnly) {
      const s = this.subscriptions.get(subOnly[1].toLowerCase());
      if (!s) return null;
      return {
        __table: "resourcecontainers",
        id: `/subscriptions/${s.id}`,
        name: s.id,
        type: "microsoft.resources/subscriptions",
        tenantId: this.tenantId,
        kind: "",
        location: "",
        resourceGroup: "",
        subscriptionId: s.id,
        managedBy: "",
        sku: null,
        plan: null,
        properties: { state: s.state, subscriptionPolicies: { quotaId: s.quotaId, spendingLimit: s.spendingLimit } },
        tags: {},
        identity: null,
        zones: null,
        extendedLocation: null,
      };
    }
    const rgOnly = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)$/i.exec(id);
    if (rgOnly) {
      const s = this.subscriptions.get(rgOnly[1].toLowerCase());
      const rg = s && this.resourceGroup(s, rgOnly[2]);
      if (!rg) return null;
      return {
        __table: "resourcecontainers",
        id: rg.id,
        name: rg.name,
        type: "microsoft.resources/subscriptions/resourcegroups",
        tenantId: this.tenantId,
        kind: "",
        location: rg.location,
        resourceGroup: rg.name.toLowerCase(),
        subscriptionId: rg.subscriptionId,
        managedBy: rg.managedBy ?? "",
        sku: null,
        plan: null,
        properties: { provisioningState: rg.provisioningState },
        tags: { ...rg.tags },
        identity: null,
        zones: null,
        extendedLocation: null,
      };
    }
    const res = this.findResource(id);
    if (!res) return null;
    return {
      __table: "resources",
      id: res.id,
      name: res.name,
      type: res.type.toLowerCase(),
      tenantId: this.tenantId,
      kind: res.kind ?? "",
      location: res.location ?? "",
      resourceGroup: res.resourceGroup.toLowerCase(),
      subscriptionId: res.subscriptionId,
      managedBy: res.managedBy ?? "",
      sku: res.sku ?? null,
      plan: null,
      properties: { ...res.properties, provisioningState: res.provisioningState },
      tags: { ...res.tags },
      identity: res.identity ?? null,
      zones: null,
      extendedLocation: null,
    };
  }
}

function stripTable(row: GraphRow): GraphRow {
  const { __table: _, ...rest } = row;
  return rest;
}

/** The deleted item a live resource leaves in soft delete: its identity, tags and properties as they were. */
export function softDeletedFrom(
  resource: ResourceState,
  kind: DeletedKind,
  deletedAt: number,
  overrides: Partial<Pick<DeletedItemState, "scheduledPurgeAt" | "purgeProtection">> = {},
): Omit<DeletedItemState, "purging" | "scheduledPurgeAt"> & { scheduledPurgeAt?: number } {
  return {
    kind,
    name: resource.name,
    originalId: resource.id,
    subscriptionId: resource.subscriptionId,
    resourceGroup: resource.resourceGroup,
    location: resource.location ?? "",
    tags: { ...resource.tags },
    deletedAt,
    purgeProtection: false,
    properties: { ...resource.properties },
    ...overrides,
  };
}

export function typeForDeletedKind(kind: DeletedKind): string {
  switch (kind) {
    case "machineLearningWorkspace": return "Microsoft.MachineLearningServices/workspaces";
    case "keyVault": return "Microsoft.KeyVault/vaults";
    case "logAnalyticsWorkspace": return "Microsoft.OperationalInsights/workspaces";
  }
}

/** `/subscriptions/s/resourceGroups/rg/providers/NS/type/name[/child/childName]` from a full type and a (possibly slash-joined) name. */
export function resourceIdFor(sub: string, rg: string, type: string, name: string): string {
  const [ns, ...types] = type.split("/");
  const names = name.split("/");
  const segs: string[] = [];
  types.forEach((t, i) => segs.push(t, names[i] ?? names[names.length - 1]));
  return `${rgId(sub, rg)}/providers/${ns}/${segs.join("/")}`;
}

/** A usage row as ARM returns it. */
export function usageBody(row: UsageRow): Record<string, unknown> {
  return {
    unit: row.unit ?? "Count",
    currentValue: row.currentValue,
    limit: row.limit,
    name: { value: row.name, localizedValue: row.localizedValue ?? localizedUsageName(row.name) },
  };
}

/** A resource SKU as ARM returns it for a location-filtered list. */
export function skuBody(sku: SkuSeed, location: string): Record<string, unknown> {
  const caps: Array<{ name: string; value: string }> = [];
  if (sku.vCPUs !== undefined) caps.push({ name: "vCPUs", value: String(sku.vCPUs) }, { name: "vCPUsAvailable", value: String(sku.vCPUs) });
  if (sku.memoryGB !== undefined) caps.push({ name: "MemoryGB", value: String(sku.memoryGB) });
  for (const [name, value] of Object.entries(sku.capabilities ?? {})) caps.push({ name, value });
  const restrictions = sku.restrictions.map((r) => {
    if (r.type === "Zone") {
      const zones = r.zones ?? sku.zones;
      return { type: "Zone", values: [location], restrictionInfo: { locations: [location], zones }, reasonCode: r.reasonCode };
    }
    return { type: r.type, values: [location], restrictionInfo: { locations: [location] }, reasonCode: r.reasonCode };
  });
  return {
    resourceType: sku.resourceType,
    name: sku.name,
    tier: sku.tier,
    size: sku.size ?? sku.name.replace(/^[A-Za-z]+_/, ""),
    ...(sku.family ? { family: sku.family } : {}),
    locations: [location],
    locationInfo: [{ location, zones: sku.zones, zoneDetails: [] }],
    capabilities: caps,
    restrictions,
  };
}
