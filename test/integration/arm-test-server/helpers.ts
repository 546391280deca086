/** Shared setup for the ARM test server's contract tests: a server, a trusted CA, raw fetch and an ArmClient. */
import { ArmClient } from "../../../src/azure/arm-client";
import { StaticTokenCredential } from "../../../src/azure/credentials";
import { startArmTestServer, type ArmTestServer, type ArmTestServerOptions } from "../../support/arm-test-server";
import { trustTestCa } from "../../support/tls";

export const SUB = "00000000-0000-4000-8000-000000000001";
export const SUB2 = "00000000-0000-4000-8000-000000000002";
export const ALLOWED_LOCATIONS = "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c";

/** A small inventory most contract tests start from; tests override pieces. */
export function baseInventory() {
  const disp = ["East US", "West Europe", "West US 2"];
  return {
    locations: [
      { name: "eastus", displayName: "East US" },
      { name: "westeurope", displayName: "West Europe" },
      { name: "westus2", displayName: "West US 2" },
    ],
    defaults: {
      usages: { "*": [{ name: "cores", currentValue: 0, limit: 4 }, { name: "standardDSv2Family", currentValue: 0, limit: 4 }] },
      skus: { "*": [{ name: "Standard_DS3_v2", family: "standardDSv2Family", vCPUs: 4, memoryGB: 14, zones: ["1", "2", "3"] }] },
      providers: [
        { namespace: "Microsoft.Databricks", resourceTypes: [{ resourceType: "workspaces", locations: disp }] },
        { namespace: "Microsoft.MachineLearningServices", resourceTypes: [{ resourceType: "workspaces", locations: disp }] },
        { namespace: "Microsoft.KeyVault", resourceTypes: [{ resourceType: "vaults", locations: disp }] },
        { namespace: "Microsoft.OperationalInsights", resourceTypes: [{ resourceType: "workspaces", locations: disp }] },
        { namespace: "Microsoft.ContainerInstance", registrationState: "NotRegistered" as const, resourceTypes: [{ resourceType: "containerGroups", locations: ["East US"] }] },
      ],
    },
    subscriptions: [
      {
        subscriptionId: SUB,
        displayName: "Lab subscription",
        resourceGroups: [
          { name: "rg-empty", location: "eastus", tags: { "lab-id": "rg-empty" } },
          { name: "rg-locked", location: "eastus", locks: [{ name: "hold", level: "CanNotDelete" as const }] },
          {
            name: "rg-reslock",
            location: "eastus",
            resources: [{ type: "Microsoft.Storage/storageAccounts", name: "st1", location: "eastus", locks: [{ name: "keep", level: "CanNotDelete" as const }] }],
          },
        ],
      },
      {
        subscriptionId: SUB2,
        displayName: "Disabled subscription",
        state: "Disabled" as const,
        policyAssignments: [{ name: "sys.regionrestriction", policyDefinitionId: ALLOWED_LOCATIONS, allowedLocations: ["westeurope"] }],
      },
    ],
  };
}

export interface Harness {
  server: ArmTestServer;
  client: ArmClient;
  /** Raw HTTPS call with a bearer token unless `token: null`. */
  call(method: string, path: string, opts?: { apiVersion?: string | null; body?: unknown; token?: string | null; query?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any }>;
}

/**
 * Starts a server on a manual clock: time moves only when a test (or the client's sleep) advances it,
 * so LRO and token-bucket tests never wait for real seconds.
 */
export async function harness(options: Partial<ArmTestServerOptions> = {}): Promise<Harness> {
  const server = await startArmTestServer({ seed: baseInventory(), manualClock: true, ...options });
  trustTestCa(server.caCertPem);
  const client = new ArmClient({
    credential: new StaticTokenCredential("test-token"),
    endpoint: server.url,
    clock: { now: () => server.now(), sleep: async (ms) => server.advanceTime(ms) },
    retry: { maxRetries: 6 },
  });
  const call: Harness["call"] = async (method, path, opts = {}) => {
    const url = new URL(path, server.url);
    if (opts.apiVersion !== null) url.searchParams.set("api-version", opts.apiVersion ?? "2025-04-01");
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? "test-token"}`;
    const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return { server, client, call };
}
