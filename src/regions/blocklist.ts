import { normalizeFamily, normalizeLocation, sameSize } from "./normalize";

/**
 * The failover blocklist, pure part: which (region[, size | family | feature]) combinations failed
 * recently and until when. Capacity is transient and quota changes, so every entry expires.
 */
export interface BlockEntry {
  region: string;
  /** Blocks only this VM size (SkuNotAvailable, AllocationFailed, …). */
  nodeType?: string;
  /** Blocks every size of this quota family (`cores` = every size). */
  family?: string;
  /** Blocks a feature rather than compute, e.g. Databricks model serving. */
  feature?: "serving";
  /** One line for people: what failed. */
  reason: string;
  /** The ARM error code that caused it, when there was one. */
  code?: string;
  createdAt: string;
  expiresAt: string;
}

export function isActive(entry: BlockEntry, now: Date): boolean {
  return Date.parse(entry.expiresAt) > now.getTime();
}

export function activeEntries(entries: readonly BlockEntry[], now: Date): BlockEntry[] {
  return entries.filter((entry) => isActive(entry, now));
}

/** Adds an entry, replacing an older one with the same scope (the later expiry wins). */
export function addEntry(entries: readonly BlockEntry[], entry: BlockEntry): BlockEntry[] {
  const key = scopeKey(entry);
  const rest = entries.filter((existing) => scopeKey(existing) !== key);
  const previous = entries.find((existing) => scopeKey(existing) === key);
  if (previous && Date.parse(previous.expiresAt) > Date.parse(entry.expiresAt)) return [...rest, previous];
  return [...rest, { ...entry, region: normalizeLocation(entry.region) }];
}

function scopeKey(entry: BlockEntry): string {
  return [
    normalizeLocation(entry.region),
    entry.nodeType?.toLowerCase() ?? "",
    entry.family ? normalizeFamily(entry.family) : "",
    entry.feature ?? "",
  ].join("|");
}

export interface BlockQuery {
  region: string;
  nodeType: string;
  family?: string;
  servingRequired: boolean;
  /**
   * The stack's other VMs (AKS node pool, managed endpoint instances): a block on one of their sizes or
   * quota families rules the region out for this stack whatever the Databricks node type.
   */
  stack?: { sizes: readonly string[]; families: readonly string[] };
}

/** The active entries that rule out this region for this node type. */
export function matchingBlocks(entries: readonly BlockEntry[], query: BlockQuery, now: Date): BlockEntry[] {
  const region = normalizeLocation(query.region);
  return activeEntries(entries, now).filter((entry) => {
    if (normalizeLocation(entry.region) !== region) return false;
    if (entry.feature === "serving") return query.servingRequired;
    if (entry.nodeType) return sameSize(entry.nodeType, query.nodeType) || (query.stack?.sizes ?? []).some((size) => sameSize(entry.nodeType!, size));
    if (entry.family) {
      const family = normalizeFamily(entry.family);
      const families = [query.family, ...(query.stack?.families ?? [])].filter((f): f is string => f !== undefined);
      return family === "cores" || families.some((f) => normalizeFamily(f) === family);
    }
    return true; // the whole region
  });
}

export function describeBlock(entry: BlockEntry): string {
  const until = entry.expiresAt.replace(/:\d\d(\.\d+)?Z$/, "Z").replace("T", " ");
  return `blocked until ${until} after an earlier attempt: ${entry.reason}`;
}
