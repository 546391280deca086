import { afterEach, describe, expect, it } from "vitest";
import { baseInventory, harness, SUB, type Harness } from "./helpers";

let h: Harness;
afterEach(async () => h?.server.stop());

const GRAPH = "/providers/Microsoft.ResourceGraph/resources";
const v = { apiVersion: "2024-04-01" };

function labs() {
  const inv = baseInventory();
  inv.subscriptions[0].resourceGroups = [
    ...Array.from({ length: 5 }, (_, i) => ({ name: `msl-${i}`, location: "eastus", tags: { "managed-by": "azure-mlflow-lab", "lab-expires-at": `2026-11-2${i}T00:00:00Z` } })),
    { name: "msl-notags", location: "eastus", tags: {} },
    { name: "msl-cased", location: "eastus", tags: { "Managed-By": "azure-mlflow-lab" } },
  ] as any;
  return inv;
}

const query =
  "resourcecontainers | where type =~ 'microsoft.resources/subscriptions/resourcegroups' | where tags['managed-by'] =~ 'AZURE-MLFLOW-LAB' and isnotempty(tags['lab-expires-at']) | project id, name, subscriptionId, location, tags, managedBy";

describe("Resource Graph", () => {
  it("answers the toolkit's discovery query with $skipToken paging", async () => {
    h = await harness({ seed: labs() });
    const first = await h.call("POST", GRAPH, { ...v, body: { subscriptions: [SUB], query, options: { $top: 2 } } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ totalRecords: 5, count: 2, resultTruncated: "false", facets: [] });
    expect(first.body.data[0]).toEqual({
      id: `/subscriptions/${SUB}/resourceGroups/msl-0`,
      name: "msl-0",
      subscriptionId: SUB,
      location: "eastus",
      tags: { "managed-by": "azure-mlflow-lab", "lab-expires-at": "2026-11-20T00:00:00Z" },
      managedBy: "",
    });
    const names: string[] = first.body.data.map((r: { name: string }) => r.name);
    let token = first.body.$skipToken;
    while (token) {
      const page = await h.call("POST", GRAPH, { ...v, body: { subscriptions: [SUB], query, options: { $top: 2, $skipToken: token } } });
      names.push(...page.body.data.map((r: { name: string }) => r.name));
      token = page.body.$skipToken;
    }
    expect(names).toEqual(["msl-0", "msl-1", "msl-2", "msl-3", "msl-4"]);
  });

  it("truncates instead of paging when id is not projected", async () => {
    h = await harness({ seed: labs() });
    const r = await h.call("POST", GRAPH, { ...v, body: { subscriptions: [SUB], query: "resourcecontainers | project name", options: { $top: 2 } } });
    expect(r.body.resultTruncated).toBe("true");
    expect(r.body.$skipToken).toBeUndefined();
  });

  it("rejects KQL outside the supported subset with a 400 InvalidQuery", async () => {
    h = await harness();
    const r = await h.call("POST", GRAPH, { ...v, body: { query: "resourcecontainers | extend e = todatetime(tags['lab-expires-at']) | where e < now()" } });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].code).toBe("InvalidQuery");
    expect(r.body.error.details[1].message).toContain("extend");
  });

  it("shows changes only after the configured lag", async () => {
    h = await harness({ graphLagMs: 5_000 });
    await h.call("PUT", `/subscriptions/${SUB}/resourcegroups/msl-new`, { body: { location: "eastus", tags: { "managed-by": "azure-mlflow-lab" } } });
    const q = { ...v, body: { query: "resourcecontainers | where name == 'msl-new' | project id" } };
    expect((await h.call("POST", GRAPH, q)).body.count).toBe(0);
    h.server.advanceTime(5_000);
    expect((await h.call("POST", GRAPH, q)).body.count).toBe(1);
    await h.call("DELETE", `/subscriptions/${SUB}/resourcegroups/msl-new`);
    h.server.advanceTime(30_000);
    expect((await h.call("GET", `/subscriptions/${SUB}/resourcegroups/msl-new`)).status).toBe(404);
    h.server.advanceTime(1);
    // Deleted 5 simulated seconds ago at most: gone from Graph only after the lag.
    const rows = await h.call("POST", GRAPH, { ...v, body: { query: "resourcecontainers | where name == 'msl-new' | project id, properties" } });
    expect(rows.body.count).toBe(1);
    h.server.advanceTime(5_000);
    expect((await h.call("POST", GRAPH, q)).body.count).toBe(0);
  });

  it("queries the resources table with lower-case types", async () => {
    h = await harness();
    const r = await h.call("POST", GRAPH, { ...v, body: { query: "resources | where type =~ 'Microsoft.Storage/storageAccounts' | project id, type, resourceGroup" } });
    expect(r.body.data).toEqual([{ id: `/subscriptions/${SUB}/resourceGroups/rg-reslock/providers/Microsoft.Storage/storageAccounts/st1`, type: "microsoft.storage/storageaccounts", resourceGroup: "rg-reslock" }]);
  });
});
