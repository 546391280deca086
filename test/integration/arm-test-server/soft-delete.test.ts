import { afterEach, describe, expect, it } from "vitest";
import { harness, SUB, type Harness } from "./helpers";

let h: Harness;
afterEach(async () => h?.server.stop());

const rg = `/subscriptions/${SUB}/resourcegroups/rg-empty`;
const ml = (name: string) => `${rg}/providers/Microsoft.MachineLearningServices/workspaces/${name}`;
const kv = (name: string) => `${rg}/providers/Microsoft.KeyVault/vaults/${name}`;
const la = (name: string, group = rg) => `${group}/providers/Microsoft.OperationalInsights/workspaces/${name}`;
const durations = { machineLearningCreate: 0, machineLearningDelete: 0, purge: 5_000, resourceGroupDelete: 1_000 };

describe("Azure ML workspace soft delete", () => {
  it("a deleted workspace blocks its name until a forceToPurge delete has completed", async () => {
    h = await harness({ durations });
    expect((await h.call("PUT", ml("mlw1"), { apiVersion: "2024-10-01", body: { location: "eastus", tags: { "lab-id": "x" } } })).status).toBe(201);
    expect((await h.call("DELETE", ml("mlw1"), { apiVersion: "2024-10-01" })).status).toBe(200);
    expect((await h.call("GET", ml("mlw1"), { apiVersion: "2024-10-01" })).status).toBe(404);
    expect(h.server.deletedItems("machineLearningWorkspace")).toMatchObject([{ name: "mlw1", tags: { "lab-id": "x" } }]);

    const blocked = await h.call("PUT", ml("mlw1"), { apiVersion: "2024-10-01", body: { location: "eastus" } });
    expect(blocked.status).toBe(400);
    expect(blocked.body.error.message).toBe("Soft-deleted workspace exists. Please purge or recover it. https://aka.ms/wsoftdelete");

    // forceToPurge is ignored by api-versions older than 2023-04-01-preview.
    expect((await h.call("DELETE", ml("mlw1"), { apiVersion: "2022-10-01", query: { forceToPurge: "true" } })).status).toBe(204);
    expect(h.server.deletedItems("machineLearningWorkspace")).toHaveLength(1);

    const purge = await h.call("DELETE", ml("mlw1"), { apiVersion: "2024-10-01", query: { forceToPurge: "true" } });
    expect(purge.status).toBe(202);
    // Purge is asynchronous: still blocked right after the 202.
    expect((await h.call("PUT", ml("mlw1"), { apiVersion: "2024-10-01", body: { location: "eastus" } })).status).toBe(400);
    h.server.advanceTime(5_000);
    expect(h.server.deletedItems("machineLearningWorkspace")).toHaveLength(0);
    expect((await h.call("PUT", ml("mlw1"), { apiVersion: "2024-10-01", body: { location: "eastus" } })).status).toBe(201);
  });

  it("refuses to delete a workspace with online endpoints (409 CannotDeleteResource)", async () => {
    h = await harness({ durations });
    await h.call("PUT", ml("mlw2"), { apiVersion: "2024-10-01", body: { location: "eastus" } });
    const ep = await h.call("PUT", `${ml("mlw2")}/onlineEndpoints/predict`, { apiVersion: "2024-10-01", body: { location: "eastus", properties: { authMode: "Key" } } });
    expect(ep.status).toBe(201);
    const refused = await h.call("DELETE", ml("mlw2"), { apiVersion: "2024-10-01" });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("CannotDeleteResource");
    const list = await h.call("GET", `${ml("mlw2")}/onlineEndpoints`, { apiVersion: "2024-10-01" });
    expect(list.body.value.map((e: { name: string }) => e.name)).toEqual(["predict"]);
    await h.call("DELETE", `${ml("mlw2")}/onlineEndpoints/predict`, { apiVersion: "2024-10-01" });
    expect((await h.call("DELETE", ml("mlw2"), { apiVersion: "2024-10-01" })).status).toBe(200);
  });
});

describe("Key Vault soft delete", () => {
  it("keeps deleted vaults with their tags, blocks the global name, and purges asynchronously", async () => {
    h = await harness({ durations });
    await h.call("PUT", kv("kv-lab-1"), { apiVersion: "2026-02-01", body: { location: "eastus", tags: { "lab-id": "msl-1" }, properties: { softDeleteRetentionInDays: 7 } } });
    await h.call("DELETE", kv("kv-lab-1"), { apiVersion: "2026-02-01" });
    const listed = await h.call("GET", `/subscriptions/${SUB}/providers/Microsoft.KeyVault/deletedVaults`, { apiVersion: "2026-02-01" });
    expect(listed.body.value).toHaveLength(1);
    const dv = listed.body.value[0];
    expect(dv).toMatchObject({ name: "kv-lab-1", type: "Microsoft.KeyVault/deletedVaults", properties: { location: "eastus", tags: { "lab-id": "msl-1" }, purgeProtectionEnabled: false } });
    expect(Date.parse(dv.properties.scheduledPurgeDate) - Date.parse(dv.properties.deletionDate)).toBe(7 * 24 * 3600 * 1000);

    const again = await h.call("PUT", kv("kv-lab-1"), { apiVersion: "2026-02-01", body: { location: "eastus", properties: {} } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ConflictError");
    expect(again.body.error.message).toContain("A vault with the same name already exists in deleted state.");

    const purge = await h.call("POST", `/subscriptions/${SUB}/providers/Microsoft.KeyVault/locations/eastus/deletedVaults/kv-lab-1/purge`, { apiVersion: "2026-02-01" });
    expect(purge.status).toBe(202);
    expect(purge.headers.get("location")).toBeTruthy();
    h.server.advanceTime(5_000);
    expect((await h.call("GET", `/subscriptions/${SUB}/providers/Microsoft.KeyVault/locations/eastus/deletedVaults/kv-lab-1`, { apiVersion: "2026-02-01" })).status).toBe(404);
    expect((await h.call("PUT", kv("kv-lab-1"), { apiVersion: "2026-02-01", body: { location: "eastus", properties: {} } })).status).toBe(201);
  });

  it("refuses to purge a vault with purge protection", async () => {
    h = await harness({ durations });
    await h.call("PUT", kv("kv-prot"), { apiVersion: "2026-02-01", body: { location: "eastus", properties: { enablePurgeProtection: true } } });
    await h.call("DELETE", kv("kv-prot"), { apiVersion: "2026-02-01" });
    const purge = await h.call("POST", `/subscriptions/${SUB}/providers/Microsoft.KeyVault/locations/eastus/deletedVaults/kv-prot/purge`, { apiVersion: "2026-02-01" });
    expect(purge.status).toBe(409);
  });
});

describe("resource group delete cascades into soft delete", () => {
  it("leaves the group's vault, ML workspace and Log Analytics workspace soft-deleted", async () => {
    h = await harness({ durations });
    await h.call("PUT", kv("kv-casc"), { apiVersion: "2026-02-01", body: { location: "eastus", tags: { "lab-id": "c" }, properties: {} } });
    await h.call("PUT", ml("mlw-casc"), { apiVersion: "2024-10-01", body: { location: "eastus", tags: { "lab-id": "c" } } });
    await h.call("PUT", la("log-casc"), { apiVersion: "2023-09-01", body: { location: "eastus", properties: {} } });
    expect((await h.call("DELETE", rg)).status).toBe(202);
    h.server.advanceTime(1_000);
    expect(h.server.deletedItems().map((d) => `${d.kind}:${d.name}`).sort()).toEqual(["keyVault:kv-casc", "logAnalyticsWorkspace:log-casc", "machineLearningWorkspace:mlw-casc"]);
  });
});

describe("Log Analytics soft delete", () => {
  it("force=true deletes for good; without it the name is held elsewhere and recovered in place", async () => {
    h = await harness({ durations });
    await h.call("PUT", la("log1"), { apiVersion: "2023-09-01", body: { location: "eastus", properties: {} } });
    await h.call("DELETE", la("log1"), { apiVersion: "2023-09-01", query: { force: "true" } });
    expect(h.server.deletedItems("logAnalyticsWorkspace")).toHaveLength(0);

    await h.call("PUT", la("log2"), { apiVersion: "2023-09-01", body: { location: "eastus", properties: {} } });
    await h.call("DELETE", la("log2"), { apiVersion: "2023-09-01" });
    const listed = await h.call("GET", `/subscriptions/${SUB}/providers/Microsoft.OperationalInsights/deletedWorkspaces`, { apiVersion: "2023-09-01" });
    expect(listed.body.value.map((w: { name: string }) => w.name)).toEqual(["log2"]);
    await h.call("PUT", `/subscriptions/${SUB}/resourcegroups/rg-other`, { body: { location: "eastus" } });
    const elsewhere = await h.call("PUT", la("log2", `/subscriptions/${SUB}/resourcegroups/rg-other`), { apiVersion: "2023-09-01", body: { location: "eastus", properties: {} } });
    expect(elsewhere.status).toBe(409);
    expect((await h.call("PUT", la("log2"), { apiVersion: "2023-09-01", body: { location: "eastus", properties: {} } })).status).toBe(201);
    expect(h.server.deletedItems("logAnalyticsWorkspace")).toHaveLength(0);
  });
});
