import { afterEach, describe, expect, it } from "vitest";
import { harness, SUB, type Harness } from "./helpers";

let h: Harness;
afterEach(async () => h?.server.stop());

const rg = (name: string) => `/subscriptions/${SUB}/resourcegroups/${name}`;

describe("resource group DELETE (Location monitor)", () => {
  it("answers 202 + Location + Retry-After, shows Deleting, then 200 on the monitor and 404 on the group", async () => {
    h = await harness({ durations: { resourceGroupDelete: 30_000 } });
    const del = await h.call("DELETE", rg("rg-empty"));
    expect(del.status).toBe(202);
    const location = del.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^${h.server.url}/subscriptions/${SUB}/operationresults/.+api-version=2025-04-01`));
    expect(del.headers.get("retry-after")).toBe("10");
    expect(del.headers.get("azure-asyncoperation")).toBeNull();

    const during = await h.call("GET", rg("rg-empty"));
    expect(during.body.properties.provisioningState).toBe("Deleting");
    const poll = await fetch(location, { headers: { authorization: "Bearer t" } });
    expect(poll.status).toBe(202);

    const write = await h.call("PUT", `${rg("rg-empty")}/providers/Microsoft.KeyVault/vaults/kv1`, { apiVersion: "2026-02-01", body: { location: "eastus", properties: {} } });
    expect(write.status).toBe(409);
    expect(write.body.error.code).toBe("ResourceGroupBeingDeleted");
    const recreate = await h.call("PUT", rg("rg-empty"), { body: { location: "eastus" } });
    expect(recreate.body.error).toMatchObject({ code: "ResourceGroupBeingDeleted", message: "The resource group 'rg-empty' is in deprovisioning state and cannot perform this operation." });

    h.server.advanceTime(30_000);
    expect((await fetch(location, { headers: { authorization: "Bearer t" } })).status).toBe(200);
    const after = await h.call("GET", rg("rg-empty"));
    expect(after.status).toBe(404);
    expect(after.body.error).toEqual({ code: "ResourceGroupNotFound", message: "Resource group 'rg-empty' could not be found." });
  });

  it("is followed to completion by the shared pipeline's operation handle", async () => {
    h = await harness();
    const op = await h.client.beginOperation({ method: "DELETE", path: rg("rg-empty"), apiVersion: "2025-04-01" });
    expect(op.state.mode).toBe("location");
    expect((await op.poll()).status).toBe("running");
    await op.pollUntilDone();
    expect(op.status).toBe("succeeded");
    expect(h.server.resourceGroup(SUB, "rg-empty")).toBeUndefined();
  });

  it("rejects unknown forceDeletionTypes and records the accepted ones", async () => {
    h = await harness();
    const bad = await h.call("DELETE", rg("rg-empty"), { query: { forceDeletionTypes: "Microsoft.Storage/storageAccounts" } });
    expect(bad.status).toBe(400);
    const good = await h.call("DELETE", rg("rg-empty"), { query: { forceDeletionTypes: "Microsoft.Compute/virtualMachines" } });
    expect(good.status).toBe(202);
  });

  it("fails the operation when an lro-failure fault matches, leaving the group in place", async () => {
    h = await harness();
    h.server.injectFault({ kind: "lro-failure", match: { method: "DELETE", path: "rg-empty$" }, error: { code: "Conflict", message: "Injected" } });
    const op = await h.client.beginOperation({ method: "DELETE", path: rg("rg-empty"), apiVersion: "2025-04-01" });
    await expect(op.pollUntilDone()).rejects.toMatchObject({ code: "Conflict" });
    expect(h.server.resourceGroup(SUB, "rg-empty")?.provisioningState).toBe("Succeeded");
  });
});

describe("Databricks workspace (status monitor) and its managed resource group", () => {
  const ws = (name: string) => `${rg("rg-empty")}/providers/Microsoft.Databricks/workspaces/${name}`;
  const body = (name: string, location = "eastus") => ({
    location,
    sku: { name: "premium" },
    tags: { "lab-id": "msl-1" },
    properties: { managedResourceGroupId: `/subscriptions/${SUB}/resourceGroups/databricks-rg-${name}` },
  });

  it("creates through Accepted → Succeeded with Azure-AsyncOperation InProgress → Succeeded", async () => {
    h = await harness({ durations: { databricksCreate: 120_000 } });
    const put = await h.call("PUT", ws("dbw1"), { apiVersion: "2026-01-01", body: body("dbw1") });
    expect(put.status).toBe(201);
    expect(put.body.properties.provisioningState).toBe("Accepted");
    const monitor = put.headers.get("azure-asyncoperation")!;
    expect(monitor).toContain("/providers/Microsoft.Databricks/locations/eastus/operationStatuses/");
    const inProgress = await (await fetch(monitor, { headers: { authorization: "Bearer t" } })).json();
    expect(inProgress).toMatchObject({ status: "InProgress" });

    const mrg = h.server.resourceGroup(SUB, "databricks-rg-dbw1")!;
    expect(mrg.managedBy).toBe(`/subscriptions/${SUB}/resourceGroups/rg-empty/providers/Microsoft.Databricks/workspaces/dbw1`);

    h.server.advanceTime(120_000);
    const done = await (await fetch(monitor, { headers: { authorization: "Bearer t" } })).json();
    expect(done).toMatchObject({ status: "Succeeded", percentComplete: 100 });
    const got = await h.call("GET", ws("dbw1"), { apiVersion: "2026-01-01" });
    expect(got.body.properties.provisioningState).toBe("Succeeded");
    expect(got.body.location).toBe("East US");
  });

  it("denies deleting the managed group directly, and removes it some time after the workspace is deleted", async () => {
    h = await harness({ durations: { databricksCreate: 0, databricksDelete: 60_000, managedResourceGroupRemoval: 30_000 } });
    await h.call("PUT", ws("dbw2"), { apiVersion: "2026-01-01", body: body("dbw2") });
    const denied = await h.call("DELETE", rg("databricks-rg-dbw2"));
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("DenyAssignmentAuthorizationFailed");

    const del = await h.call("DELETE", ws("dbw2"), { apiVersion: "2026-01-01" });
    expect(del.status).toBe(202);
    expect(del.headers.get("azure-asyncoperation")).toBeTruthy();
    expect(del.headers.get("location")).toBeTruthy();
    h.server.advanceTime(60_000);
    expect(h.server.resource(`/subscriptions/${SUB}/resourceGroups/rg-empty/providers/Microsoft.Databricks/workspaces/dbw2`)).toBeUndefined();
    expect(h.server.resourceGroup(SUB, "databricks-rg-dbw2")).toBeDefined();
    h.server.advanceTime(30_000);
    expect(h.server.resourceGroup(SUB, "databricks-rg-dbw2")).toBeUndefined();
  });

  it("a Serverless workspace has no managed group, reports Unity Catalog, and refuses what a Hybrid one needs", async () => {
    h = await harness({ durations: { databricksCreate: 0 } });
    const serverless = { location: "eastus", sku: { name: "premium" }, properties: { computeMode: "Serverless" } };
    const put = await h.call("PUT", ws("dbw5"), { apiVersion: "2026-01-01", body: serverless });
    expect(put.status).toBe(201);
    const got = await h.call("GET", ws("dbw5"), { apiVersion: "2026-01-01" });
    expect(got.body.properties).toMatchObject({ computeMode: "Serverless", isUcEnabled: true, provisioningState: "Succeeded" });
    expect(got.body.properties).not.toHaveProperty("managedResourceGroupId");
    expect([...h.server.state().subscription(SUB).resourceGroups.keys()].filter((name) => name.includes("dbw5"))).toEqual([]);

    const withGroup = await h.call("PUT", ws("dbw6"), { apiVersion: "2026-01-01", body: { ...serverless, properties: { ...serverless.properties, ...body("dbw6").properties } } });
    expect(withGroup.status).toBe(400);
    expect(withGroup.body.error).toEqual({ code: "InvalidParameter", message: "The 'managedResourceGroupId' property is not allowed in Serverless ComputeMode workspace." });
    const withVnet = await h.call("PUT", ws("dbw7"), {
      apiVersion: "2026-01-01",
      body: { ...serverless, properties: { ...serverless.properties, parameters: { enableNoPublicIp: { value: true } }, defaultCatalog: { initialType: "UnityCatalog" } } },
    });
    expect(withVnet.body.error.message).toBe("The 'parameters', 'defaultCatalog' properties are not allowed in Serverless ComputeMode workspace.");

    const changed = await h.call("PUT", ws("dbw5"), { apiVersion: "2026-01-01", body: { ...body("dbw5"), properties: { ...body("dbw5").properties, computeMode: "Hybrid" } } });
    expect(changed.status).toBe(400);
    expect(changed.body.error.message).toBe("The 'computeMode' of workspace 'dbw5' cannot be changed from 'Serverless' to 'Hybrid'.");
  });

  it("fails a seeded quota create with ARM's QuotaExceeded message, then succeeds the next time", async () => {
    const inv = (await import("./helpers")).baseInventory();
    (inv.subscriptions[0] as any).createFailures = [
      { resourceType: "Microsoft.Databricks/workspaces", location: "eastus", code: "QuotaExceeded", family: "standardDSv2Family", additionalRequired: 8, count: 1 },
    ];
    h = await harness({ seed: inv });
    const first = await h.client.beginOperation({ method: "PUT", path: ws("dbw3"), apiVersion: "2026-01-01", body: body("dbw3") });
    const err = (await first.pollUntilDone().catch((e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe("QuotaExceeded");
    expect(err.message).toMatch(/^Operation could not be completed as it results in exceeding approved standardDSv2Family Cores quota\. Additional details - Deployment Model: Resource Manager, Location: eastus, Current Limit: 4, Current Usage: 0, Additional Required: 8, \(Minimum\) New Limit Required: 8\./);
    const failed = await h.call("GET", ws("dbw3"), { apiVersion: "2026-01-01" });
    expect(failed.body.properties.provisioningState).toBe("Failed");

    const second = await h.client.beginOperation({ method: "PUT", path: ws("dbw4"), apiVersion: "2026-01-01", body: body("dbw4") });
    expect(await second.pollUntilDone()).toMatchObject({ name: "dbw4", properties: { provisioningState: "Succeeded" } });
  });
});
