import { afterEach, describe, expect, it } from "vitest";
import { ALLOWED_LOCATIONS, baseInventory, harness, SUB, type Harness } from "./helpers";

let h: Harness;
afterEach(async () => h?.server.stop());

describe("providers", () => {
  it("lists resource-type locations as display names and registers over time", async () => {
    h = await harness({ durations: { providerRegistration: 30_000 } });
    const ns = `/subscriptions/${SUB}/providers/Microsoft.ContainerInstance`;
    const got = await h.call("GET", ns);
    expect(got.body).toMatchObject({ namespace: "Microsoft.ContainerInstance", registrationState: "NotRegistered", resourceTypes: [{ resourceType: "containerGroups", locations: ["East US"] }] });
    const reg = await h.call("POST", `${ns}/register`);
    expect(reg.body.registrationState).toBe("Registering");
    h.server.advanceTime(29_000);
    expect((await h.call("GET", ns)).body.registrationState).toBe("Registering");
    h.server.advanceTime(1_000);
    expect((await h.call("GET", ns)).body.registrationState).toBe("Registered");
    const create = await h.call("PUT", `/subscriptions/${SUB}/resourcegroups/rg-empty/providers/Microsoft.ContainerInstance/containerGroups/cg`, { apiVersion: "2023-05-01", body: { location: "eastus", properties: {} } });
    expect(create.status).toBe(201);
  });
});

describe("policy assignments", () => {
  it("lists allowed-locations assignments at scope, including inherited ones, with enforcementMode", async () => {
    const inv = baseInventory();
    (inv.subscriptions[0] as any).policyAssignments = [
      { name: "sys.regionrestriction", policyDefinitionId: ALLOWED_LOCATIONS, scope: "/providers/Microsoft.Management/managementGroups/students", allowedLocations: ["eastus", "westeurope"] },
      { name: "audit", policyDefinitionId: ALLOWED_LOCATIONS, enforcementMode: "DoNotEnforce", allowedLocations: ["eastus"] },
      { name: "rg-level", policyDefinitionId: ALLOWED_LOCATIONS, scope: `/subscriptions/${SUB}/resourceGroups/rg-empty`, allowedLocations: ["eastus"] },
    ];
    h = await harness({ seed: inv });
    const r = await h.call("GET", `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments`, { apiVersion: "2025-03-01", query: { $filter: "atScope()" } });
    expect(r.body.value.map((a: { name: string }) => a.name)).toEqual(["sys.regionrestriction", "audit"]);
    expect(r.body.value[0]).toMatchObject({
      id: "/providers/Microsoft.Management/managementGroups/students/providers/Microsoft.Authorization/policyAssignments/sys.regionrestriction",
      properties: { policyDefinitionId: ALLOWED_LOCATIONS, enforcementMode: "Default", parameters: { listOfAllowedLocations: { value: ["eastus", "westeurope"] } } },
    });
    expect(r.body.value[1].properties.enforcementMode).toBe("DoNotEnforce");
  });
});

describe("fault injection", () => {
  it("returns 5xx a given number of times, which the shared pipeline retries through", async () => {
    h = await harness();
    const fault = h.server.injectFault({ kind: "status", status: 503, count: 2, match: { method: "GET", path: "/resourcegroups/rg-empty$" } });
    const res = await h.client.request({ method: "GET", path: `/subscriptions/${SUB}/resourcegroups/rg-empty`, apiVersion: "2025-04-01" });
    expect(res.status).toBe(200);
    expect(fault.fired).toBe(2);
  });

  it("drops connections, which surfaces as a network error the pipeline retries", async () => {
    h = await harness();
    h.server.injectFault({ kind: "drop", count: 1 });
    const res = await h.client.request({ method: "GET", path: `/subscriptions/${SUB}/resourcegroups`, apiVersion: "2025-04-01" });
    expect(res.status).toBe(200);
    expect(h.server.requests().length).toBe(2);
  });

  it("applies a probability with the seeded random and adds latency", async () => {
    h = await harness({ randomSeed: 7 });
    const f = h.server.injectFault({ kind: "status", status: 500, probability: 0.5, match: { path: "resourcegroups$" } });
    const lat = h.server.injectFault({ kind: "latency", latencyMs: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await h.call("GET", `/subscriptions/${SUB}/resourcegroups`)).status);
    expect(statuses.filter((s) => s === 500).length).toBe(f.fired);
    expect(f.fired).toBeGreaterThan(5);
    expect(f.fired).toBeLessThan(35);
    expect(lat.fired).toBe(40);
    f.remove();
    expect((await h.call("GET", `/subscriptions/${SUB}/resourcegroups`)).status).toBe(200);
  });
});
