import { normalizeFamily } from "./normalize";
import type { SkuRow, UsageRow } from "./signals";

/** Reading usage rows and SKU restrictions, shared by the Databricks node's checks and the stack's other VMs'. */

export function findUsage(rows: readonly UsageRow[], name: string): UsageRow | undefined {
  const key = normalizeFamily(name);
  return rows.find((row) => normalizeFamily(row.name) === key);
}

/** Restriction text when the size cannot be deployed here, else undefined (zone-only restrictions keep it usable). */
export function restrictionReason(sku: SkuRow): string | undefined {
  const restrictedZones = new Set<string>();
  let zoneReason: string | undefined;
  for (const restriction of sku.restrictions) {
    const type = restriction.type.toLowerCase();
    const code = restriction.reasonCode ?? "restricted";
    if (type === "location") return `${sku.name} ${code}`;
    if (type === "zone") {
      for (const zone of restriction.zones ?? []) restrictedZones.add(zone);
      // A zone restriction that names no zones restricts them all.
      if ((restriction.zones ?? []).length === 0) restrictedZones.add("*");
      zoneReason = code;
      continue;
    }
    return `${sku.name} restricted (${restriction.type}${restriction.reasonCode ? `: ${restriction.reasonCode}` : ""})`;
  }
  if (zoneReason === undefined) return undefined;
  const everyZone = restrictedZones.has("*") || (sku.zones.length > 0 && sku.zones.every((zone) => restrictedZones.has(zone)));
  return everyZone ? `${sku.name} ${zoneReason} in every zone` : undefined;
}

export function quotaLine(name: string, row: UsageRow, need: number): { free: number; limit: number; text?: string } {
  const free = Math.max(0, row.limit - row.currentValue);
  const text = free < need ? `${name}: ${free} of ${row.limit} free, need ${need}` : undefined;
  return { free, limit: row.limit, text };
}
