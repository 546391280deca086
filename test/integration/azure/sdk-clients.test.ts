/**
 * The official SDK clients, built by src/azure/sdk-clients.ts, against the ARM test server: proves the
 * server speaks what the SDKs expect (URLs, api-versions, bodies, paging, LRO pollers) and that the
 * shared throttle policy covers a 429 without Retry-After.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaticTokenCredential } from "../../../src/azure/credentials";
import { createSdkClients, type SdkContext } from "../../../src/azure/sdk-clients";
import { startArmTestServer, type ArmTestServer } from "../../support/arm-test-server";
import { trustTestCa } from "../../support/tls";

const INVENTORIES = join(__dirname, "../../support/arm-test-server/inventories");
const PAYG = "5b1c0a1e-7d4f-4c2a-9e3b-00000000b001";
const STUDENTS = "5b1c0a1e-7d4f-4c2a-9e3b-00000000b002";
const LABS = "5b1c0a1e-7d4f-4c2a-9e3b-00000000c001";

function ctxFor(server: ArmTestServer, extra: Partial<SdkContext> = {}): SdkContext {
  return { credential: new StaticTokenCredential("sdk-test"), endpoint: server.url, ...extra };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("SDK clients against the multi-region inventory", () => {
  let server: ArmTestServer;
  beforeAll(async () => {
    server = await startArmTestServer({ seed: join(INVENTORIES, "multi-region.json"), timeScale: 0.001, paging: { pageSize: 3 } });
    trustTestCa(server.caCertPem);
  });
  afterAll(async () => server.stop());

  it("compute usage.list returns the family and total rows (paged)", async () => {
    const c = createSdkClients(ctxFor(server), PAYG);
    const rows = await collect(c.compute.usage.list("eastus"));
    const byName = Object.fromEntries(rows.map((r) => [r.name.value, r]));
    expect(byName.cores).toMatchObject({ currentValue: 90, limit: 100, unit: "Count" });
    expect(byName.standardDSv2Family).toMatchObject({ currentValue: 8, limit: 10 });
    expect(byName.cores.name.localizedValue).toBe("Total Regional vCPUs");
    expect(rows.length).toBe(6);
  });

  it("compute resourceSkus.list with a location filter shows Location/Zone restrictions and absent sizes", async () => {
    const c = createSdkClients(ctxFor(server), PAYG);
    const westus = await collect(c.compute.resourceSkus.list({ filter: "location eq 'westus'" }));
    const ds3 = westus.find((s) => s.name === "Standard_DS3_v2")!;
    expect(ds3.restrictions?.[0]).toMatchObject({ type: "Location", reasonCode: "NotAvailableForSubscription", values: ["westus"] });
    expect(ds3.capabilities?.find((c) => c.name === "vCPUs")?.value).toBe("4");
    const eastus2 = await collect(c.compute.resourceSkus.list({ filter: "location eq 'eastus2'" }));
    expect(eastus2.find((s) => s.name === "Standard_DS3_v2")!.restrictions?.[0]).toMatchObject({ type: "Zone", restrictionInfo: { zones: ["1", "2"] } });
    const uksouth = await collect(c.compute.resourceSkus.list({ filter: "location eq 'uksouth'" }));
    expect(uksouth.map((s) => s.name)).not.toContain("Standard_DS3_v2");
  });

  it("subscriptions.list and listLocations", async () => {
    const c = createSdkClients(ctxFor(server), PAYG);
    const subs = await collect(c.subscriptions.subscriptions.list());
    expect(subs.map((s) => s.displayName).sort()).toEqual(["Azure for Students", "Pay-As-You-Go"]);
    expect(subs.find((s) => s.subscriptionId === STUDENTS)?.subscriptionPolicies?.quotaId).toBe("AzureForStudents_2018-01-01");
    const locs = await collect(c.subscriptions.subscriptions.listLocations(PAYG));
    expect(locs).toHaveLength(10);
    expect(locs.find((l) => l.name === "eastus2")).toMatchObject({ displayName: "East US 2", metadata: { regionType: "Physical" } });
  });

  it("providers.get/list/register: display-name locations and Registering → Registered", async () => {
    const c = createSdkClients(ctxFor(server), STUDENTS);
    const dbx = await c.resources.providers.get("Microsoft.Databricks");
    expect(dbx.registrationState).toBe("NotRegistered");
    expect(dbx.resourceTypes?.[0].locations).toContain("East US 2");
    const all = await collect(c.resources.providers.list());
    expect(all.map((p) => p.namespace)).toContain("Microsoft.MachineLearningServices");
    const reg = await c.resources.providers.register("Microsoft.Databricks");
    expect(reg.registrationState).toBe("Registering");
    server.advanceTime(30_000);
    expect((await c.resources.providers.get("Microsoft.Databricks")).registrationState).toBe("Registered");
  });

  it("policyAssignments.list with atScope() returns the allowed-locations assignments", async () => {
    const c = createSdkClients(ctxFor(server), STUDENTS);
    const assignments = await collect(c.policy.policyAssignments.list({ filter: "atScope()" }));
    const restriction = assignments.find((a) => a.name === "sys.regionrestriction")!;
    expect(restriction.policyDefinitionId).toBe("/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c");
    expect((restriction.parameters as Record<string, { value: string[] }>).listOfAllowedLocations.value).toContain("westus2");
    expect(assignments.find((a) => a.name === "audit-only-locations")?.enforcementMode).toBe("DoNotEnforce");
  });

  it("resourceGroups.createOrUpdate and delete through the SDK poller", async () => {
    const c = createSdkClients(ctxFor(server), PAYG);
    await c.resources.resourceGroups.createOrUpdate("msl-sdk1", { location: "westus2", tags: { "lab-id": "msl-sdk1" } });
    const poller = c.resources.resourceGroups.delete("msl-sdk1", { updateIntervalInMs: 5 });
    await poller;
    await expect(c.resources.resourceGroups.get("msl-sdk1")).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
  });
});

describe("SDK clients against the expired-labs inventory", () => {
  let server: ArmTestServer;
  beforeAll(async () => {
    server = await startArmTestServer({ seed: join(INVENTORIES, "expired-labs.json"), timeScale: 0.001 });
    trustTestCa(server.caCertPem);
  });
  afterAll(async () => server.stop());

  it("resourceGroups.delete of a locked group fails with ScopeLocked", async () => {
    const c = createSdkClients(ctxFor(server), LABS);
    await expect(c.resources.resourceGroups.delete("msl-locked1", { updateIntervalInMs: 5 })).rejects.toMatchObject({ code: "ScopeLocked" });
  });
});

describe("SDK clients and a 429 without Retry-After", () => {
  it("are retried by the shared throttle policy instead of failing", async () => {
    const server = await startArmTestServer({
      seed: join(INVENTORIES, "trial-4-vcpu.json"),
      // One token every 500 ms: the second list comes sooner than that even on a loaded machine, and the
      // client's backoff (60-200 ms, 8 retries) outlasts the wait.
      throttle: { reads: { burst: 1, refillPerSecond: 2 }, retryAfter: false },
    });
    try {
      trustTestCa(server.caCertPem);
      const c = createSdkClients(ctxFor(server, { retry: { baseDelayMs: 60, maxDelayMs: 200, maxRetries: 8 } }), "5b1c0a1e-7d4f-4c2a-9e3b-00000000a001");
      const first = await collect(c.compute.usage.list("eastus"));
      const second = await collect(c.compute.usage.list("eastus"));
      expect(second).toEqual(first);
      const throttled = server.requests().length - 2;
      expect(throttled).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });
});
