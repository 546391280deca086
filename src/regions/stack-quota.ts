import type { Reason } from "./evaluate";
import { normalizeFamily } from "./normalize";
import { findUsage, quotaLine, restrictionReason } from "./quota-rows";
import type { RegionSignals, SkuRow, UsageRow } from "./signals";
import type { StackVm } from "./stack-vms";

/**
 * Pure check of a stack's VMs besides the Databricks node (./stack-vms.ts) in one region: each size
 * offered and unrestricted for the subscription, and each within the quota it draws on. The Databricks
 * node's own family and the regional `cores` row are shared with the AKS pool; the caller checks those
 * with the sums this returns, so nothing is counted twice.
 */

interface SizeInfo {
  name: string;
  family: string;
  vCPUs: number;
}

/**
 * Azure ML names its per-family quota rows after the compute family: `standardDSv2Family` →
 * "Standard DSv2 Family Cluster Dedicated vCPUs", and the regional total "Total Cluster Dedicated
 * Regional vCPUs" (GET …/Microsoft.MachineLearningServices/locations/{loc}/usages; spec example
 * Usage/list.json of Azure/azure-rest-api-specs machinelearningservices stable/2024-10-01). Compared
 * normalised (lower case, no spaces).
 */
export function azureMlFamilyRow(computeFamily: string): string {
  return `${computeFamily.replace(/\s+/g, "")}ClusterDedicatedvCPUs`;
}
export const AZURE_ML_TOTAL_ROW = "Total Cluster Dedicated Regional vCPUs";

/** Scopes of earlier failures that rule a region out for this stack (see blocklist.ts). */
export interface StackBlockScopes {
  sizes: string[];
  /** Compute families, and Azure ML family rows for managed endpoints. */
  families: string[];
}

export interface StackVmCheck {
  reasons: Reason[];
  notes: string[];
  /** vCPUs the stack's `compute` VMs need in total (for the regional `cores` row). */
  computeVCPUs: number;
  /** vCPUs the stack's `compute` VMs need in one family (for the Databricks node's family row). */
  computeVCPUsOf(family: string): number;
  blockScopes: StackBlockScopes;
}

function sizeHere(region: RegionSignals, vm: StackVm, catalog: ReadonlyMap<string, SizeInfo>, reasons: Reason[]): SizeInfo | undefined {
  if (region.skus === null) return catalog.get(vm.vmSize.toLowerCase());
  const sku: SkuRow | undefined = region.skus.find((row) => row.name.toLowerCase() === vm.vmSize.toLowerCase());
  if (!sku) {
    reasons.push({ constraint: "size", text: `${vm.role}: ${vm.vmSize} not offered here` });
    return undefined;
  }
  const restricted = restrictionReason(sku);
  if (restricted) reasons.push({ constraint: "size", text: `${vm.role}: ${restricted}` });
  return { name: sku.name, family: sku.family, vCPUs: sku.vCPUs };
}

function checkRow(rows: readonly UsageRow[], rowName: string, shownName: string, need: number, who: string, reasons: Reason[], notes: string[]): void {
  const row = findUsage(rows, rowName);
  if (!row) {
    notes.push(`${shownName}: no usage row (unknown)`);
    return;
  }
  const line = quotaLine(shownName, row, need);
  if (line.text) reasons.push({ constraint: "quota", text: `${line.text} (${who})` });
}

export function checkStackVms(
  region: RegionSignals,
  vms: readonly StackVm[],
  catalog: ReadonlyMap<string, SizeInfo>,
  databricksFamily: string | undefined,
): StackVmCheck {
  const reasons: Reason[] = [];
  const notes: string[] = [];
  const compute = new Map<string, { family: string; vCPUs: number; who: string[] }>();
  const azureMl = new Map<string, { family: string; vCPUs: number; who: string[] }>();
  const blockScopes: StackBlockScopes = { sizes: vms.map((vm) => vm.vmSize), families: [] };

  for (const vm of vms) {
    const size = sizeHere(region, vm, catalog, reasons);
    if (!size) {
      if (region.skus === null) notes.push(`${vm.role}: ${vm.vmSize} vCPUs unknown, quota not checked`);
      continue;
    }
    const bucket = vm.quota === "compute" ? compute : azureMl;
    const key = normalizeFamily(size.family);
    const entry = bucket.get(key) ?? { family: size.family, vCPUs: 0, who: [] };
    entry.vCPUs += vm.count * size.vCPUs;
    entry.who.push(`${vm.role}, ${vm.count} x ${size.name}`);
    bucket.set(key, entry);
    blockScopes.families.push(vm.quota === "compute" ? size.family : azureMlFamilyRow(size.family));
  }

  // Compute families other than the Databricks node's (that row and `cores` are checked by the caller).
  if (region.usages !== null) {
    for (const [key, entry] of compute) {
      if (databricksFamily !== undefined && key === normalizeFamily(databricksFamily)) continue;
      checkRow(region.usages, entry.family, entry.family, entry.vCPUs, entry.who.join("; "), reasons, notes);
    }
  }

  if (azureMl.size > 0) {
    const rows = region.mlUsages;
    if (rows === undefined || rows === null) {
      notes.push(`Azure ML quota unknown${region.mlUsagesError ? ` (${region.mlUsagesError})` : rows === undefined ? " (not read)" : ""}`);
    } else {
      let total = 0;
      const everyone: string[] = [];
      for (const entry of azureMl.values()) {
        total += entry.vCPUs;
        everyone.push(...entry.who);
        const shown = `Azure ML ${entry.family} dedicated vCPUs`;
        checkRow(rows, azureMlFamilyRow(entry.family), shown, entry.vCPUs, `${entry.who.join("; ")}, with Azure ML's 20% upgrade reserve`, reasons, notes);
      }
      checkRow(rows, AZURE_ML_TOTAL_ROW, "Azure ML total dedicated vCPUs", total, everyone.join("; "), reasons, notes);
    }
  }

  const computeVCPUs = [...compute.values()].reduce((sum, entry) => sum + entry.vCPUs, 0);
  return {
    reasons,
    notes,
    computeVCPUs,
    computeVCPUsOf: (family) => compute.get(normalizeFamily(family))?.vCPUs ?? 0,
    blockScopes,
  };
}

/** The stack's VMs with their compute families (from any region that lists the size), for failover. */
export function stackVmFacts(regions: readonly RegionSignals[], vms: readonly StackVm[]): Array<StackVm & { family?: string }> {
  return vms.map((vm) => {
    for (const region of regions) {
      const sku = region.skus?.find((row) => row.name.toLowerCase() === vm.vmSize.toLowerCase());
      if (sku) return { ...vm, family: sku.family };
    }
    return { ...vm };
  });
}
