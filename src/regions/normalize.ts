import { normalizeRegionName } from "../config/azure-regions";

/**
 * Name normalisation for region signals. ARM is inconsistent: provider resource types list display names
 * ("East US 2"), the Databricks workspace GET echoes them, usages name families with stray spaces
 * ("Standard NCASv3_T4 Family"). Everything is compared in one canonical form.
 */

/**
 * "East US 2" → "eastus2"; "eastus2" stays. The same normaliser the config uses for `region` and
 * --region (config/azure-regions.ts), so a name compares equal wherever it came from.
 */
export const normalizeLocation: (name: string) => string = normalizeRegionName;

/** "Standard DSv2 Family" / "standardDSv2Family" → "standarddsv2family" (the usage row key). */
export function normalizeFamily(name: string): string {
  return name.replace(/\s+/g, "").toLowerCase();
}

/** Resource provider namespaces and types are case-insensitive in ARM. */
export function normalizeResourceType(type: string): string {
  return type.trim().toLowerCase();
}

/** The namespace of a resource type: "Microsoft.Databricks/workspaces" → "Microsoft.Databricks". */
export function namespaceOf(resourceType: string): string {
  const slash = resourceType.indexOf("/");
  return slash < 0 ? resourceType : resourceType.slice(0, slash);
}

/** VM size names as Azure spells them (Standard_DS3_v2); compared case-insensitively. */
export function sameSize(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
