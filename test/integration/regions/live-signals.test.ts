import { afterEach, describe, expect, it } from "vitest";
import { demandFromConfig } from "../../../src/regions/demand";
import { NoEligibleRegionError, selectRegion } from "../../../src/regions/evaluate";
import { gatherSignals } from "../../../src/regions/sources/gather";
import type { RegionSignalsSnapshot } from "../../../src/regions/signals";
import type { FaultHandle, FaultSpec } from "../../support/arm-test-server/core/faults";
import { ALLOWED_LOCATIONS, D4DS, DS3, labInventory, startLabServer, SUB, type LabInventoryOptions, type LabServer } from "./lab-inventory";

/**
 * Live signal gathering through the real Azure SDK clients against the ARM test server, then the pure
 * evaluation on what was read: the verdicts a user would see for each classic failure of setup.ps1.
 */
let lab: LabServer | undefined;
afterEach(async () => {
  await lab?.server.stop();
  lab = undefined;
});

const now = new Date("2026-11-23T12:00:00Z");
const labDemand = demandFromConfig({ nodeType: "Standard_DS3_v2", nodeTypeFallbacks: ["Standard_D4ds_v5"] });
const serving = (regions: string[]) => ({ regions, retrievedAt: "2026-11-23", source: "test" });
const fastRetry = { retry: { maxRetries: 6, baseDelayMs: 5, maxDelayMs: 40 } };

async function gather(options: LabInventoryOptions, servingRegions = ["eastus", "eastus2", "westus2", "westeurope", "northeurope"], serverOptions = {}): Promise<RegionSignalsSnapshot> {
  lab = await startLabServer(labInventory(options), serverOptions);
  return gatherSignals({ clients: lab.clients, subscriptionId: SUB, modelServing: serving(servingRegions), persist: fastRetry });
}

/** Gathers with one fault injected through the server's API, so the test can see how often it fired. */
async function gatherWithFault(options: LabInventoryOptions, fault: FaultSpec): Promise<{ snapshot: RegionSignalsSnapshot; fault: FaultHandle }> {
  lab = await startLabServer(labInventory(options));
  const handle = lab.server.injectFault(fault);
  const snapshot = await gatherSignals({ clients: lab.clients, subscriptionId: SUB, modelServing: serving(["eastus", "eastus2", "westus2", "westeurope", "northeurope"]), persist: fastRetry });
  return { snapshot, fault: handle };
}

function reasons(snapshot: RegionSignalsSnapshot, region: string, nodeType = "Standard_DS3_v2"): string[] {
  try {
    const result = selectRegion(snapshot, { ...labDemand, nodeTypes: [nodeType] }, { seed: 1, now });
    return result.verdicts.find((v) => v.region === region)!.reasons.map((r) => r.text);
  } catch (error) {
    if (!(error instanceof NoEligibleRegionError)) throw error;
    return error.verdictsByNodeType[nodeType]!.find((v) => v.region === region)!.reasons.map((r) => r.text);
  }
}

describe("live signals through the SDK clients", () => {
  it("reads usages, SKUs, providers with display-name locations normalised, policy and the subscription", async () => {
    const snapshot = await gather({ quotaId: "FreeTrial_2014-09-01" });
    expect(snapshot.subscription).toEqual({ id: SUB, displayName: "Region test subscription", state: "Enabled", quotaId: "FreeTrial_2014-09-01" });
    expect(snapshot.regions.map((r) => r.name)).toEqual(["eastus", "eastus2", "northeurope", "uksouth", "westeurope", "westus2"]);
    const eastus = snapshot.regions.find((r) => r.name === "eastus")!;
    expect(eastus.displayName).toBe("East US");
    // Each region's geography as ARM's locations API reports it (metadata.geographyGroup).
    expect(Object.fromEntries(snapshot.regions.map((r) => [r.name, r.geography]))).toEqual({
      eastus: "US",
      eastus2: "US",
      northeurope: "Europe",
      uksouth: "UK",
      westeurope: "Europe",
      westus2: "US",
    });
    expect(eastus.usages).toContainEqual({ name: "cores", currentValue: 0, limit: 20 });
    expect(eastus.skus).toContainEqual({ name: "Standard_DS3_v2", family: "standardDSv2Family", vCPUs: 4, zones: ["1", "2", "3"], restrictions: [] });
    expect(snapshot.resourceTypes["Microsoft.Databricks/workspaces"]).toContain("eastus2");
    expect(snapshot.providers["Microsoft.Databricks"]).toBe("Registered");
    expect(snapshot.policy).toEqual({ allowedLocations: null });
  });

  it("a learner near westeurope is given a region in Europe (UK South counts as Europe)", async () => {
    const snapshot = await gather({});
    const picks = new Set<string>();
    for (let seed = 0; seed < 20; seed++) picks.add(selectRegion(snapshot, { ...labDemand, location: { near: "westeurope" } }, { seed, now }).choice.region);
    expect([...picks].every((r) => ["westeurope", "northeurope", "uksouth"].includes(r))).toBe(true);
    const verdict = selectRegion(snapshot, labDemand, { seed: 1, now }).verdicts.find((v) => v.region === "uksouth");
    expect(verdict?.geography).toBe("Europe");
  });

  it("a trial subscription (4 vCPUs in total) fits one 4-vCPU node where nothing is in use, and says why elsewhere", async () => {
    const snapshot = await gather({
      quotaId: "FreeTrial_2014-09-01",
      usages: [{ name: "cores", currentValue: 0, limit: 4 }, { name: "standardDSv2Family", currentValue: 0, limit: 4 }, { name: "standardDDSv5Family", currentValue: 0, limit: 4 }],
      usagesByRegion: { eastus: [{ name: "cores", currentValue: 2, limit: 4 }, { name: "standardDSv2Family", currentValue: 2, limit: 4 }, { name: "standardDDSv5Family", currentValue: 0, limit: 4 }] },
    });
    expect(reasons(snapshot, "eastus")).toEqual(["standardDSv2Family: 2 of 4 free, need 4", "cores: 2 of 4 free, need 4"]);
    const result = selectRegion(snapshot, labDemand, { seed: 3, now });
    expect(result.choice).toMatchObject({ nodeType: "Standard_DS3_v2", headroom: { spare: 0 } });
    expect(result.choice.region).not.toBe("eastus");
  });

  it("a restricted size and a missing size are excluded with the SKU's own reason", async () => {
    const snapshot = await gather({
      skusByRegion: {
        westeurope: [{ ...DS3, restrictions: [{ type: "Location", reasonCode: "NotAvailableForSubscription" }] }, D4DS],
        northeurope: [D4DS],
        eastus2: [{ ...DS3, restrictions: [{ type: "Zone", reasonCode: "NotAvailableForSubscription", zones: ["1"] }] }, D4DS],
      },
    });
    expect(reasons(snapshot, "westeurope")).toEqual(["Standard_DS3_v2 NotAvailableForSubscription"]);
    expect(reasons(snapshot, "northeurope")).toEqual(["Standard_DS3_v2 not offered here"]);
    expect(reasons(snapshot, "eastus2")).toEqual([]);
  });

  it("policy-limited locations: only the allowed regions remain", async () => {
    const snapshot = await gather({
      subscription: { policyAssignments: [{ name: "sys.regionrestriction", policyDefinitionId: ALLOWED_LOCATIONS, allowedLocations: ["westeurope", "northeurope", "uksouth"] }] },
    });
    expect(snapshot.policy).toEqual({ allowedLocations: ["northeurope", "uksouth", "westeurope"], assignments: ["sys.regionrestriction"] });
    expect(reasons(snapshot, "eastus")).toEqual(["not allowed by policy (sys.regionrestriction)"]);
    const result = selectRegion(snapshot, labDemand, { seed: 1, now });
    expect(["westeurope", "northeurope"]).toContain(result.choice.region);
  });

  it("a region without model serving is excluded; with none at all the error says so", async () => {
    const snapshot = await gather({ regions: ["eastus", "uksouth"] }, ["eastus"]);
    expect(reasons(snapshot, "uksouth")[0]).toMatch(/^no model serving/);
    const none = { ...snapshot, modelServing: serving([]) };
    expect(() => selectRegion(none, labDemand, { seed: 1, now })).toThrow(/excluded by serving 2\); pick a region with Databricks model serving/);
  });

  it("Databricks not offered in a region, and a provider not registered (noted: it will be registered)", async () => {
    const snapshot = await gather({ databricksRegions: ["eastus", "westus2"], databricksState: "NotRegistered" });
    expect(snapshot.providers["Microsoft.Databricks"]).toBe("NotRegistered");
    expect(reasons(snapshot, "westeurope")).toEqual(["Microsoft.Databricks/workspaces not offered"]);
    const result = selectRegion(snapshot, labDemand, { seed: 1, now });
    // Said once for the subscription, not on every region.
    expect(result.notes).toContain("provider Microsoft.Databricks not registered (will register)");
    expect(result.verdicts[0]!.notes).not.toContain("provider Microsoft.Databricks not registered (will register)");
  });

  it("a 429 storm during gathering is waited out: the verdicts equal the calm run's", async () => {
    const calm = await gather({ usagesByRegion: { eastus: [{ name: "cores", currentValue: 18, limit: 20 }, { name: "standardDSv2Family", currentValue: 0, limit: 10 }] } });
    await lab!.server.stop();
    const { snapshot: stormy, fault } = await gatherWithFault(
      { usagesByRegion: { eastus: [{ name: "cores", currentValue: 18, limit: 20 }, { name: "standardDSv2Family", currentValue: 0, limit: 10 }] } },
      { kind: "status", status: 429, code: "SubscriptionRequestsThrottled", message: "Number of 'read' requests for subscription exceeded.", match: { path: "/usages|/skus|/providers/" }, count: 30 },
    );
    // The storm really happened: every one of the 30 injected 429s was served (and waited out).
    expect(fault.fired).toBe(30);
    const strip = (s: RegionSignalsSnapshot) => ({ ...s, capturedAt: "" });
    expect(strip(stormy)).toEqual(strip(calm));
    expect(reasons(stormy, "eastus")).toEqual(["cores: 2 of 20 free, need 4"]);
  });

  it("429s without Retry-After are retried as well", async () => {
    const { snapshot, fault } = await gatherWithFault({}, { kind: "status", status: 429, code: "TooManyRequests", match: { path: "/usages" }, count: 12 });
    expect(fault.spec.retryAfterSeconds).toBeUndefined();
    expect(fault.fired).toBe(12);
    expect(snapshot.regions.every((r) => r.usages !== null)).toBe(true);
  });

  it("5xx that outlast the retries make the signal unknown, never a wrong exclusion", async () => {
    const snapshot = await gather({}, undefined, {
      faults: [{ kind: "status", status: 503, code: "ServiceUnavailable", match: { path: "locations/eastus2/usages" } }],
    });
    const eastus2 = snapshot.regions.find((r) => r.name === "eastus2")!;
    expect(eastus2.usages).toBeNull();
    expect(eastus2.usagesError).toMatch(/503/);
    const result = selectRegion(snapshot, labDemand, { seed: 1, now });
    const verdict = result.verdicts.find((v) => v.region === "eastus2")!;
    expect(verdict.eligible).toBe(true);
    expect(verdict.notes.join("; ")).toMatch(/^quota unknown \(HTTP 503/);
    expect(verdict.rank).toBeGreaterThan(1); // known headroom ranks first
  });

  it("a failing SKU listing makes sizes unknown for every region instead of 'not offered'", async () => {
    const snapshot = await gather({}, undefined, { faults: [{ kind: "status", status: 500, code: "InternalServerError", match: { path: "Microsoft.Compute/skus" } }] });
    expect(snapshot.regions.every((r) => r.skus === null && /500/.test(r.skusError ?? ""))).toBe(true);
    expect(() => selectRegion(snapshot, labDemand, { seed: 1, now })).not.toThrow();
  });

  it("gathers every region in two waves: the per-region usage reads run in parallel", async () => {
    await gather({});
    const requests = lab!.server.requests();
    const usagePaths = requests.filter((r) => /\/usages$/.test(r.path));
    expect(usagePaths).toHaveLength(6);
    expect(requests.filter((r) => /Microsoft.Compute\/skus$/.test(r.path))).toHaveLength(1);
    expect(requests.find((r) => /Microsoft.Compute\/skus$/.test(r.path))!.query.$filter).toBeUndefined();
  });

  it("asks the SKU API per region, with the location filter, when only a few regions are wanted", async () => {
    lab = await startLabServer(labInventory({}));
    const snapshot = await gatherSignals({ clients: lab.clients, subscriptionId: SUB, regions: ["eastus", "westus2"], modelServing: serving(["eastus"]) });
    expect(snapshot.regions.map((r) => r.name)).toEqual(["eastus", "westus2"]);
    const filters = lab.server.requests().filter((r) => /Microsoft.Compute\/skus$/.test(r.path)).map((r) => r.query.$filter).sort();
    expect(filters).toEqual(["location eq 'eastus'", "location eq 'westus2'"]);
  });

  it("an unknown subscription is a one-line input error", async () => {
    lab = await startLabServer(labInventory({}));
    await expect(gatherSignals({ clients: lab.clients, subscriptionId: "99999999-0000-4000-8000-000000000000" })).rejects.toThrow(/subscription 99999999-.* was not found/);
  });
});
