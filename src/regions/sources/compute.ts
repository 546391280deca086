import type { ComputeManagementClient } from "@azure/arm-compute";
import { normalizeLocation } from "../normalize";
import type { SkuRow, UsageRow } from "../signals";

/**
 * Microsoft.Compute signals: regional vCPU usages (per region) and VM sizes with their restrictions
 * (for one region with the location filter, or for every region in one listing without it).
 */

export async function readUsages(compute: ComputeManagementClient, location: string): Promise<UsageRow[]> {
  const rows: UsageRow[] = [];
  for await (const usage of compute.usage.list(location)) {
    const name = usage.name?.value;
    if (!name) continue;
    rows.push({ name, currentValue: Number(usage.currentValue), limit: Number(usage.limit) });
  }
  return rows;
}

/** The minimal ResourceSku shape read here (the SDK's type has every field optional). */
interface SkuLike {
  resourceType?: string;
  name?: string;
  family?: string;
  locations?: string[];
  locationInfo?: Array<{ location?: string; zones?: string[] }>;
  capabilities?: Array<{ name?: string; value?: string }>;
  restrictions?: Array<{ type?: string; values?: string[]; reasonCode?: string; restrictionInfo?: { locations?: string[]; zones?: string[] } }>;
}

/** A ResourceSku as a SkuRow for one location; undefined for non-VM SKUs or ones without vCPUs. */
export function skuRowFor(sku: SkuLike, location: string): SkuRow | undefined {
  if (sku.resourceType?.toLowerCase() !== "virtualmachines" || !sku.name) return undefined;
  const vCPUs = Number(sku.capabilities?.find((c) => c.name === "vCPUs")?.value);
  if (!Number.isFinite(vCPUs) || vCPUs <= 0) return undefined;
  const here = normalizeLocation(location);
  const info = sku.locationInfo?.find((i) => i.location && normalizeLocation(i.location) === here);
  const restrictions = (sku.restrictions ?? [])
    .filter((r) => {
      // Restrictions name their location in restrictionInfo.locations (and, for Location type, values).
      const places = [...(r.restrictionInfo?.locations ?? []), ...(r.type?.toLowerCase() === "location" ? r.values ?? [] : [])];
      return places.length === 0 || places.some((p) => normalizeLocation(p) === here);
    })
    .map((r) => ({
      type: r.type ?? "Unknown",
      ...(r.reasonCode ? { reasonCode: r.reasonCode } : {}),
      ...(r.type?.toLowerCase() === "zone" ? { zones: r.restrictionInfo?.zones ?? [] } : {}),
    }));
  return { name: sku.name, family: sku.family ?? "", vCPUs, zones: info?.zones ?? [], restrictions };
}

/** VM sizes of one region (`$filter=location eq '<loc>'`). */
export async function readSkus(compute: ComputeManagementClient, location: string): Promise<SkuRow[]> {
  const rows: SkuRow[] = [];
  for await (const sku of compute.resourceSkus.list({ filter: `location eq '${location}'` })) {
    const row = skuRowFor(sku, location);
    if (row) rows.push(row);
  }
  return rows;
}

/** VM sizes of every region in one listing (no filter): one round trip instead of one per region. */
export async function readAllSkus(compute: ComputeManagementClient): Promise<Map<string, SkuRow[]>> {
  const byLocation = new Map<string, SkuRow[]>();
  for await (const sku of compute.resourceSkus.list()) {
    for (const location of sku.locations ?? []) {
      const row = skuRowFor(sku, location);
      if (!row) continue;
      const key = normalizeLocation(location);
      const rows = byLocation.get(key) ?? [];
      rows.push(row);
      byLocation.set(key, rows);
    }
  }
  return byLocation;
}
