import { describe, expect, it } from "vitest";
import { parseLabConfig } from "../../../src/config/lab-config";
import { estimateCostPerHour, PRICE_TABLE, type PriceTable } from "../../../src/plan/cost";

/** A table with round numbers, so every figure below can be checked by hand. */
const TABLE: PriceTable = {
  retrievedOn: "2026-01-01",
  region: "eastus",
  currency: "USD",
  source: "test",
  method: "test",
  vmLinuxPerHour: { Standard_DS3_v2: 0.3, Standard_DS4_v2: 0.6, Standard_D4s_v5: 0.2 },
  databricks: {
    allPurposeDbuPricePremium: 0.5,
    dbuPerHour: { Standard_DS3_v2: 1 },
    servingDbuPrice: 0.1,
    servingDbuPerHour: { Small: 4 },
    serverlessNotebookDbuPricePremium: 1,
    serverlessNotebookDbuPerHour: 2,
    serverlessSource: "serverless test source",
    serverlessRetrievedOn: "2026-01-02",
    serverlessMethod: "test method",
  },
  containerInstances: { vcpuPerHour: 0.04, memoryGbPerHour: 0.004 },
  kubernetesService: { freeTierControlPlanePerHour: 0 },
};

const config = (raw: Record<string, unknown>) => parseLabConfig({ owner: "a@b.co", ...raw });

describe("estimateCostPerHour", () => {
  it("prices the cluster as VM plus DBUs at the Premium all-purpose rate", () => {
    const estimate = estimateCostPerHour(config({}), TABLE);
    expect(estimate.items).toEqual([
      expect.objectContaining({ item: "cluster", usdPerHour: 0.8 }),
    ]);
    expect(estimate.totalUsdPerHour).toBe(0.8);
    expect(estimate).toMatchObject({ currency: "USD", priceRegion: "eastus", retrievedOn: "2026-01-01" });
  });

  it("adds serving, the shared AKS nodes, managed instances and ACI vCPU/GB including the proxy", () => {
    const estimate = estimateCostPerHour(
      config({
        databricksServing: { enabled: true },
        azureMl: true,
        endpoints: [
          { name: "one-aci", kind: "aci", model: "m:1", size: "small" },
          { name: "one-aks", kind: "aks", model: "m:1", size: "medium" },
          { name: "two-aks", kind: "aks", model: "m:1", size: "small" },
          { name: "one-managed", kind: "managed", model: "m:1", size: "large" },
        ],
      }),
      TABLE,
    );
    const byItem = Object.fromEntries(estimate.items.map((i) => [i.item, i.usdPerHour]));
    expect(byItem).toEqual({
      cluster: 0.8,
      "databricks-serving:predict-penguin": 0.4,
      // Sized for the largest aks endpoint: medium = 2 nodes.
      "aks-cluster": 0.4,
      // 1 + 0.5 vCPU and 2 + 0.5 GB.
      "endpoint:one-aci": 0.07,
      "endpoint:one-aks": 0,
      "endpoint:two-aks": 0,
      // large = 2 × Standard_DS4_v2.
      "endpoint:one-managed": 1.2,
    });
    expect(estimate.totalUsdPerHour).toBe(2.87);
  });

  it("prices serverless compute at the serverless DBU rate, with no cluster and no VM", () => {
    const estimate = estimateCostPerHour(config({ compute: "serverless", databricksServing: { enabled: true } }), TABLE);
    expect(estimate.items.map((i) => [i.item, i.usdPerHour])).toEqual([
      ["serverless-notebook", 2],
      ["databricks-serving:predict-penguin", 0.4],
    ]);
    expect(estimate.items[0].description).toContain("no VM bill");
    expect(estimate.totalUsdPerHour).toBe(2.4);
    expect(estimate.notes.join("\n")).toContain("serverless notebook price: serverless test source Read 2026-01-02. test method");
  });

  it("says so when a size has no price instead of guessing, and when the region differs", () => {
    const estimate = estimateCostPerHour(config({ nodeType: "Standard_E4ds_v5", region: "westeurope" }), TABLE);
    expect(estimate.items[0].usdPerHour).toBeNull();
    expect(estimate.totalUsdPerHour).toBe(0);
    expect(estimate.notes).toEqual(
      expect.arrayContaining([
        "no price in the table for cluster; it is left out of the total",
        "prices are eastus list prices; westeurope may differ",
      ]),
    );
  });
});

describe("the bundled price table", () => {
  it("is dated, names its source and region, and prices every size the lab can use", () => {
    expect(PRICE_TABLE.retrievedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLE.source).toContain("prices.azure.com");
    expect(PRICE_TABLE.region).toBe("eastus");
    const defaults = config({});
    for (const size of [defaults.nodeType, ...defaults.nodeTypeFallbacks]) {
      expect(PRICE_TABLE.vmLinuxPerHour[size], size).toBeGreaterThan(0);
      expect(PRICE_TABLE.databricks.dbuPerHour[size], size).toBeGreaterThan(0);
    }
    for (const size of ["Standard_DS4_v2", "Standard_D4s_v5"]) expect(PRICE_TABLE.vmLinuxPerHour[size], size).toBeGreaterThan(0);
    expect(PRICE_TABLE.databricks.serverlessNotebookDbuPricePremium).toBeGreaterThan(0);
    expect(PRICE_TABLE.databricks.serverlessRetrievedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLE.databricks.serverlessSource).toContain("azure.microsoft.com/pricing/details/databricks");
  });
});
