import { SNAPSHOT_FORMAT, type RegionSignals, type RegionSignalsSnapshot, type SkuRow } from "../../../src/regions/signals";

/** Small snapshots for tests: every region offers everything unless a test says otherwise. */
export const DS3 = { name: "Standard_DS3_v2", family: "standardDSv2Family", vCPUs: 4 };
export const D4DS = { name: "Standard_D4ds_v5", family: "standardDDSv5Family", vCPUs: 4 };
/** The AKS node size of every endpoint size (src/config/endpoint-sizes.ts). */
export const D4S = { name: "Standard_D4s_v5", family: "standardDSv5Family", vCPUs: 4 };

export function sku(size: { name: string; family: string; vCPUs: number }, extra: Partial<SkuRow> = {}): SkuRow {
  return { ...size, zones: ["1", "2", "3"], restrictions: [], ...extra };
}

export interface RegionSpec {
  name: string;
  cores?: [used: number, limit: number];
  families?: Record<string, [used: number, limit: number]>;
  skus?: SkuRow[] | null;
  usages?: null;
}

export function region(spec: RegionSpec): RegionSignals {
  const [coresUsed, coresLimit] = spec.cores ?? [0, 20];
  const families = spec.families ?? { standardDSv2Family: [0, 10], standardDDSv5Family: [0, 10], standardDSv5Family: [0, 10] };
  return {
    name: spec.name,
    usages: spec.usages === null ? null : [
      { name: "cores", currentValue: coresUsed, limit: coresLimit },
      ...Object.entries(families).map(([name, [used, limit]]) => ({ name, currentValue: used, limit })),
    ],
    skus: spec.skus === undefined ? [sku(DS3), sku(D4DS), sku(D4S)] : spec.skus,
  };
}

export function snapshot(regions: RegionSignals[], overrides: Partial<RegionSignalsSnapshot> = {}): RegionSignalsSnapshot {
  const names = regions.map((r) => r.name);
  return {
    format: SNAPSHOT_FORMAT,
    capturedAt: "2026-11-23T12:00:00Z",
    subscription: { id: "sub-1", state: "Enabled", quotaId: "PayAsYouGo_2014-09-01" },
    regions,
    resourceTypes: {
      "microsoft.databricks/workspaces": names,
      "microsoft.machinelearningservices/workspaces": names,
      "microsoft.containerinstance/containergroups": names,
      "microsoft.containerservice/managedclusters": names,
    },
    providers: {
      "microsoft.databricks": "Registered",
      "microsoft.compute": "Registered",
      "microsoft.storage": "Registered",
      "microsoft.machinelearningservices": "Registered",
      "microsoft.containerinstance": "Registered",
      "microsoft.containerservice": "Registered",
      "microsoft.keyvault": "Registered",
      "microsoft.operationalinsights": "Registered",
      "microsoft.insights": "Registered",
      "microsoft.containerregistry": "Registered",
      "microsoft.kubernetesconfiguration": "Registered",
    },
    policy: { allowedLocations: null },
    modelServing: { regions: names, retrievedAt: "2026-11-23", source: "test" },
    ...overrides,
  };
}
