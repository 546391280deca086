import { StaticTokenCredential } from "../../../src/azure/credentials";
import { createSdkClients, type SdkContext } from "../../../src/azure/sdk-clients";
import { startArmTestServer, type ArmTestServer, type ArmTestServerOptions, type InventoryInput } from "../../support/arm-test-server";
import { trustTestCa } from "../../support/tls";

/**
 * Inventories for region-selection tests, built from a few knobs, and a server + real SDK clients for
 * them. Every region offers Databricks and the size unless a test says otherwise.
 */
export const SUB = "10000000-0000-4000-8000-00000000000a";
export const ALLOWED_LOCATIONS = "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c";

export const REGIONS: Record<string, string> = {
  eastus: "East US",
  eastus2: "East US 2",
  westus2: "West US 2",
  westeurope: "West Europe",
  northeurope: "North Europe",
  uksouth: "UK South",
};

/** ARM's metadata.geographyGroup; UK South as "UK", as some listings group it. */
const GEOGRAPHY_GROUPS: Record<string, string> = { eastus: "US", eastus2: "US", westus2: "US", westeurope: "Europe", northeurope: "Europe", uksouth: "UK" };

export const DS3 = { name: "Standard_DS3_v2", family: "standardDSv2Family", vCPUs: 4, memoryGB: 14, zones: ["1", "2", "3"] };
export const D4DS = { name: "Standard_D4ds_v5", family: "standardDDSv5Family", vCPUs: 4, memoryGB: 16, zones: ["1", "2", "3"] };
/** The AKS node size (src/config/endpoint-sizes.ts). */
export const D4S = { name: "Standard_D4s_v5", family: "standardDSv5Family", vCPUs: 4, memoryGB: 16, zones: ["1", "2", "3"] };

/** Azure ML's own quota rows as the service names them (Usage/list.json), roomy by default. */
export const ML_USAGES = [
  { name: "Total Cluster Dedicated Regional vCPUs", currentValue: 0, limit: 100, type: "Microsoft.MachineLearningServices/dedicatedCores/usages" },
  { name: "Standard DSv2 Family Cluster Dedicated vCPUs", currentValue: 0, limit: 24 },
  // The same name again for a workspace: a row the toolkit must not read as the subscription's.
  { name: "Standard DSv2 Family Cluster Dedicated vCPUs", currentValue: 24, limit: 24, type: "Microsoft.MachineLearningServices/workspaces/usages" },
];

type UsageSeed = { name: string; currentValue: number; limit: number };
type SubscriptionSeed = InventoryInput["subscriptions"][number];

export interface LabInventoryOptions {
  regions?: string[];
  /** Default usages for every region (default: PAYG-ish 20 cores, 10 per family). */
  usages?: UsageSeed[];
  usagesByRegion?: Record<string, UsageSeed[]>;
  skusByRegion?: Record<string, Array<typeof DS3 & { restrictions?: unknown[] }>>;
  mlUsagesByRegion?: Record<string, Array<{ name: string; currentValue: number; limit: number; type?: string }>>;
  databricksRegions?: string[];
  databricksState?: "Registered" | "NotRegistered";
  quotaId?: string;
  subscription?: Partial<SubscriptionSeed>;
}

export function labInventory(options: LabInventoryOptions = {}): InventoryInput {
  const regions = options.regions ?? Object.keys(REGIONS);
  const display = (names: string[]) => names.map((n) => REGIONS[n] ?? n);
  const usages = options.usages ?? [
    { name: "cores", currentValue: 0, limit: 20 },
    { name: "standardDSv2Family", currentValue: 0, limit: 10 },
    { name: "standardDDSv5Family", currentValue: 0, limit: 10 },
    { name: "standardDSv5Family", currentValue: 0, limit: 10 },
  ];
  return {
    description: "region-selection test inventory",
    locations: regions.map((name) => ({
      name,
      displayName: REGIONS[name] ?? name,
      ...(GEOGRAPHY_GROUPS[name] ? { geographyGroup: GEOGRAPHY_GROUPS[name] } : {}),
      availabilityZones: ["1", "2", "3"],
    })),
    defaults: {
      usages: { "*": usages, ...(options.usagesByRegion ?? {}) },
      skus: { "*": [DS3, D4DS, D4S], ...((options.skusByRegion ?? {}) as Record<string, never>) },
      mlUsages: { "*": ML_USAGES, ...(options.mlUsagesByRegion ?? {}) },
      providers: [
        { namespace: "Microsoft.Compute", resourceTypes: [{ resourceType: "virtualMachines", locations: display(regions) }] },
        { namespace: "Microsoft.Storage", resourceTypes: [{ resourceType: "storageAccounts", locations: display(regions) }] },
        {
          namespace: "Microsoft.Databricks",
          registrationState: options.databricksState ?? "Registered",
          resourceTypes: [{ resourceType: "workspaces", locations: display(options.databricksRegions ?? regions) }],
        },
        { namespace: "Microsoft.MachineLearningServices", resourceTypes: [{ resourceType: "workspaces", locations: display(regions) }] },
        { namespace: "Microsoft.ContainerInstance", resourceTypes: [{ resourceType: "containerGroups", locations: display(regions) }] },
        { namespace: "Microsoft.ContainerService", resourceTypes: [{ resourceType: "managedClusters", locations: display(regions) }] },
      ],
    },
    subscriptions: [
      {
        subscriptionId: SUB,
        displayName: "Region test subscription",
        quotaId: options.quotaId ?? "PayAsYouGo_2014-09-01",
        ...options.subscription,
      },
    ],
  };
}

export interface LabServer {
  server: ArmTestServer;
  ctx: SdkContext;
  clients: ReturnType<typeof createSdkClients>;
}

export async function startLabServer(seed: InventoryInput, options: Partial<ArmTestServerOptions> = {}): Promise<LabServer> {
  const server = await startArmTestServer({ seed, timeScale: 0.001, ...options });
  trustTestCa(server.caCertPem);
  // No SDK-level retries: failure tests stay quick, and the toolkit's own retry (persist) is what is under test.
  const ctx: SdkContext = { credential: new StaticTokenCredential("arm-test-server-token"), endpoint: server.url, retry: { maxRetries: 0 } };
  return { server, ctx, clients: createSdkClients(ctx, SUB) };
}
