import { afterEach, describe, expect, it } from "vitest";
import { harness, SUB, SUB2, type Harness } from "./helpers";

let h: Harness;
afterEach(async () => h?.server.stop());

const rgPath = (name: string, sub = SUB) => `/subscriptions/${sub}/resourcegroups/${name}`;

describe("authentication and api-version", () => {
  it("requires a bearer token", async () => {
    h = await harness();
    const none = await h.call("GET", rgPath("rg-empty"), { token: null });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("AuthenticationFailed");
    const res = await fetch(new URL(`${rgPath("rg-empty")}?api-version=2025-04-01`, h.server.url), { headers: { authorization: "Basic abc" } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("InvalidAuthenticationToken");
  });

  it("requires api-version and rejects unknown ones with ARM's codes", async () => {
    h = await harness();
    const missing = await h.call("GET", rgPath("rg-empty"), { apiVersion: null });
    expect(missing.body.error).toEqual({ code: "MissingApiVersionParameter", message: "The api-version query parameter (?api-version=) is required for all requests." });
    const wrong = await h.call("GET", rgPath("rg-empty"), { apiVersion: "2019-13-01" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe("InvalidApiVersionParameter");
    expect(wrong.body.error.message).toMatch(/^The api-version '2019-13-01' is invalid\. The supported versions are '2025-04-01,2025-03-01,/);
    const rp = await h.call("GET", `${rgPath("rg-empty")}/providers/Microsoft.Databricks/workspaces/w`, { apiVersion: "2020-01-01" });
    expect(rp.status).toBe(400);
    expect(rp.body.error.code).toBe("NoRegisteredProviderFound");
    expect(rp.body.error.message).toContain("2026-01-01");
  });

  it("answers 501 naming the route when the server has none (loud, not a silent 404)", async () => {
    h = await harness();
    const r = await h.call("GET", `/subscriptions/${SUB}/providers/Microsoft.Quota/usages/x/y/z`);
    expect(r.status).toBe(501);
    expect(r.body.error.message).toContain("routes");
  });
});

describe("404/409/403 semantics", () => {
  it("ResourceGroupNotFound, ResourceNotFound, SubscriptionNotFound", async () => {
    h = await harness();
    expect((await h.call("GET", rgPath("nope"))).body.error.code).toBe("ResourceGroupNotFound");
    expect((await h.call("HEAD", rgPath("nope"))).status).toBe(404);
    expect((await h.call("HEAD", rgPath("rg-empty"))).status).toBe(204);
    const res = await h.call("GET", `${rgPath("rg-empty")}/providers/Microsoft.KeyVault/vaults/missing`, { apiVersion: "2026-02-01" });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("ResourceNotFound");
    expect(res.body.error.message).toContain("The Resource 'Microsoft.KeyVault/vaults/missing' under resource group 'rg-empty' was not found.");
    expect((await h.call("GET", `/subscriptions/ffffffff-0000-4000-8000-000000000000`, { apiVersion: "2022-12-01" })).body.error.code).toBe("SubscriptionNotFound");
  });

  it("ScopeLocked for a lock on the group or on a resource inside it, with the lock ids", async () => {
    h = await harness();
    const g = await h.call("DELETE", rgPath("rg-locked"));
    expect(g.status).toBe(409);
    expect(g.body.error.code).toBe("ScopeLocked");
    expect(g.body.error.message).toBe(
      `The scope '/subscriptions/${SUB}/resourceGroups/rg-locked' cannot perform delete operation because following scope(s) are locked: '/subscriptions/${SUB}/resourceGroups/rg-locked/providers/Microsoft.Authorization/locks/hold'. Please remove the lock and try again.`,
    );
    const r = await h.call("DELETE", rgPath("rg-reslock"));
    expect(r.status).toBe(409);
    expect(r.body.error.message).toContain("storageAccounts/st1/providers/Microsoft.Authorization/locks/keep");
    expect(h.server.resourceGroup(SUB, "rg-locked")?.provisioningState).toBe("Succeeded");
  });

  it("locks are listed at group and resource level and can be added and removed", async () => {
    h = await harness();
    const atGroup = await h.call("GET", `${rgPath("rg-reslock")}/providers/Microsoft.Authorization/locks`, { apiVersion: "2020-05-01" });
    expect(atGroup.body.value.map((l: { name: string }) => l.name)).toEqual(["keep"]);
    const atRes = await h.call("GET", `${rgPath("rg-reslock")}/providers/Microsoft.Storage/storageAccounts/st1/providers/Microsoft.Authorization/locks`, { apiVersion: "2020-05-01" });
    expect(atRes.body.value[0]).toMatchObject({ name: "keep", type: "Microsoft.Authorization/locks", properties: { level: "CanNotDelete" } });
    const put = await h.call("PUT", `${rgPath("rg-empty")}/providers/Microsoft.Authorization/locks/ro`, { apiVersion: "2020-05-01", body: { properties: { level: "ReadOnly" } } });
    expect(put.status).toBe(201);
    const write = await h.call("PUT", rgPath("rg-empty"), { body: { location: "eastus", tags: { x: "y" } } });
    expect(write.body.error.code).toBe("ScopeLocked");
    expect(write.body.error.message).toContain("cannot perform write operation");
    await h.call("DELETE", `${rgPath("rg-empty")}/providers/Microsoft.Authorization/locks/ro`, { apiVersion: "2020-05-01" });
    expect((await h.call("DELETE", rgPath("rg-empty"))).status).toBe(202);
  });

  it("MissingSubscriptionRegistration, LocationNotAvailableForResourceType, RequestDisallowedByPolicy, ReadOnlyDisabledSubscription", async () => {
    h = await harness();
    const unregistered = await h.call("PUT", `${rgPath("rg-empty")}/providers/Microsoft.ContainerInstance/containerGroups/cg`, { apiVersion: "2023-05-01", body: { location: "eastus", properties: {} } });
    expect(unregistered.status).toBe(409);
    expect(unregistered.body.error.code).toBe("MissingSubscriptionRegistration");
    const wrongRegion = await h.call("PUT", `${rgPath("rg-empty")}/providers/Microsoft.KeyVault/vaults/kvx`, { apiVersion: "2026-02-01", body: { location: "australiaeast", properties: {} } });
    expect(wrongRegion.status).toBe(400);
    expect(wrongRegion.body.error.code).toBe("LocationNotAvailableForResourceType");
    const disabled = await h.call("PUT", rgPath("new", SUB2), { body: { location: "westeurope" } });
    expect(disabled.status).toBe(409);
    expect(disabled.body.error.code).toBe("ReadOnlyDisabledSubscription");
  });

  it("RequestDisallowedByPolicy outside the allowed locations", async () => {
    const { baseInventory, ALLOWED_LOCATIONS } = await import("./helpers");
    const inv = baseInventory();
    (inv.subscriptions[0] as any).policyAssignments = [{ name: "sys.regionrestriction", policyDefinitionId: ALLOWED_LOCATIONS, allowedLocations: ["westeurope"] }];
    h = await harness({ seed: inv });
    const denied = await h.call("PUT", `${rgPath("rg-empty")}/providers/Microsoft.KeyVault/vaults/kvp`, { apiVersion: "2026-02-01", body: { location: "eastus", properties: {} } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("RequestDisallowedByPolicy");
    // Resource groups are not covered by the Indexed-mode allowed-locations policy.
    expect((await h.call("PUT", rgPath("rg-anywhere"), { body: { location: "eastus" } })).status).toBe(201);
  });
});
