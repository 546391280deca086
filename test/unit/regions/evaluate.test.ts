import { describe, expect, it } from "vitest";
import { UserInputError } from "../../../src/errors";
import { demandFromConfig } from "../../../src/regions/demand";
import { NoEligibleRegionError, selectRegion, SubscriptionNotUsableError, type SelectionResult } from "../../../src/regions/evaluate";
import { D4DS, DS3, region, sku, snapshot } from "./snapshot-builder";

const now = new Date("2026-11-23T12:00:00Z");
const lab = demandFromConfig({ nodeType: "Standard_DS3_v2", nodeTypeFallbacks: ["Standard_D4ds_v5"] });

function reasonsOf(result: SelectionResult, name: string): string[] {
  return result.verdicts.find((v) => v.region === name)!.reasons.map((r) => r.text);
}

describe("region verdicts", () => {
  it("names the family shortfall and the regional total with free, limit and need", () => {
    const result = selectRegion(
      snapshot([
        region({ name: "eastus", families: { standardDSv2Family: [8, 10] } }),
        region({ name: "centralus", cores: [4, 4] }),
        region({ name: "westus2" }),
      ]),
      lab,
      { seed: 1, now },
    );
    expect(result.choice.region).toBe("westus2");
    expect(reasonsOf(result, "eastus")).toEqual(["standardDSv2Family: 2 of 10 free, need 4"]);
    expect(reasonsOf(result, "centralus")).toEqual(["cores: 0 of 4 free, need 4"]);
  });

  it("a trial subscription with 4 vCPUs in total fits exactly one 4-vCPU node (setup.ps1 asked for 8)", () => {
    const result = selectRegion(snapshot([region({ name: "eastus", cores: [0, 4], families: { standardDSv2Family: [0, 4] } })]), lab, { seed: 1, now });
    expect(result.choice).toMatchObject({ region: "eastus", nodeType: "Standard_DS3_v2", headroom: { vCPUsNeeded: 4, spare: 0 } });
  });

  it("a Location restriction excludes the size with its reason code; a zone restriction on some zones does not", () => {
    const result = selectRegion(
      snapshot([
        region({ name: "westeurope", skus: [sku(DS3, { restrictions: [{ type: "Location", reasonCode: "NotAvailableForSubscription" }] })] }),
        region({ name: "northeurope", skus: [sku(DS3, { restrictions: [{ type: "Zone", reasonCode: "NotAvailableForSubscription", zones: ["2"] }] })] }),
      ]),
      demandFromConfig({ nodeType: "Standard_DS3_v2" }),
      { seed: 1, now },
    );
    expect(reasonsOf(result, "westeurope")).toEqual(["Standard_DS3_v2 NotAvailableForSubscription"]);
    expect(result.choice.region).toBe("northeurope");
  });

  it("restrictions on every zone, or of an unknown type, block the size", () => {
    const allZones = sku(DS3, { restrictions: [{ type: "Zone", reasonCode: "NotAvailableForSubscription", zones: ["1", "2", "3"] }] });
    const capacity = sku(DS3, { restrictions: [{ type: "Capacity", reasonCode: "NotAvailableForSubscription" }] });
    const result = selectRegion(
      snapshot([region({ name: "eastus", skus: [allZones] }), region({ name: "eastus2", skus: [capacity] }), region({ name: "westus" })]),
      demandFromConfig({ nodeType: "Standard_DS3_v2" }),
      { seed: 1, now },
    );
    expect(reasonsOf(result, "eastus")).toEqual(["Standard_DS3_v2 NotAvailableForSubscription in every zone"]);
    expect(reasonsOf(result, "eastus2")).toEqual(["Standard_DS3_v2 restricted (Capacity: NotAvailableForSubscription)"]);
  });

  it("a size missing from a region's SKU list is not offered there (setup.ps1 treated it as available)", () => {
    const result = selectRegion(snapshot([region({ name: "brazilsouth", skus: [sku(D4DS)] }), region({ name: "eastus" })]), lab, { seed: 1, now });
    expect(reasonsOf(result, "brazilsouth")).toEqual(["Standard_DS3_v2 not offered here"]);
  });

  it("excludes regions without model serving, outside the policy, or without the resource types", () => {
    const regions = ["eastus", "uksouth", "westus", "italynorth", "northeurope"].map((name) => region({ name }));
    const base = snapshot(regions);
    const result = selectRegion(
      {
        ...base,
        modelServing: { ...base.modelServing, regions: ["eastus", "westus", "italynorth", "northeurope"] },
        policy: { allowedLocations: ["eastus", "uksouth", "italynorth", "northeurope"], assignments: ["sys.regionrestriction"] },
        resourceTypes: { ...base.resourceTypes, "microsoft.databricks/workspaces": ["eastus", "uksouth", "westus", "northeurope"] },
      },
      lab,
      { seed: 1, now },
    );
    expect(reasonsOf(result, "uksouth")[0]).toMatch(/^no model serving/);
    expect(reasonsOf(result, "westus")).toEqual(["not allowed by policy (sys.regionrestriction)"]);
    expect(reasonsOf(result, "italynorth")).toEqual(["Microsoft.Databricks/workspaces not offered"]);
    expect(result.verdicts.filter((v) => v.eligible).map((v) => v.region).sort()).toEqual(["eastus", "northeurope"]);
  });

  it("endpoint kinds add their resource types to the demand", () => {
    const base = snapshot([region({ name: "eastus" }), region({ name: "westus" })]);
    const demand = demandFromConfig({ nodeType: "Standard_DS3_v2", azureMl: true, endpoints: [{ kind: "aci" }, { kind: "aks" }] });
    const result = selectRegion(
      { ...base, resourceTypes: { ...base.resourceTypes, "microsoft.containerservice/managedclusters": ["westus"] } },
      demand,
      { seed: 1, now },
    );
    expect(reasonsOf(result, "eastus")).toEqual(["Microsoft.ContainerService/managedClusters not offered"]);
    expect(result.choice.region).toBe("westus");
  });

  it("an unregistered provider is a note for the whole subscription, said once (it will be registered), or an exclusion when registering is not allowed", () => {
    const base = snapshot([region({ name: "eastus" }), region({ name: "westus" })]);
    const unregistered = { ...base, providers: { ...base.providers, "microsoft.databricks": "NotRegistered" } };
    const result = selectRegion(unregistered, lab, { seed: 1, now });
    expect(result.notes).toEqual(["provider Microsoft.Databricks not registered (will register)"]);
    for (const verdict of result.verdicts) expect(verdict.notes).toEqual([]);
    expect(() => selectRegion(unregistered, lab, { seed: 1, now, canRegisterProviders: false })).toThrow(NoEligibleRegionError);
  });

  it("a disabled subscription is one error that says Disabled, not a reason on every region", () => {
    const base = snapshot([region({ name: "eastus" }), region({ name: "westus" })]);
    const disabled = { ...base, subscription: { ...base.subscription, displayName: "Class 2026", state: "Disabled" } };
    const error = (() => {
      try {
        selectRegion(disabled, lab, { seed: 1, now });
      } catch (e) {
        return e;
      }
    })() as NoEligibleRegionError;
    expect(error).toBeInstanceOf(SubscriptionNotUsableError);
    expect(error.message).toBe(`subscription Class 2026 (${base.subscription.id}) is Disabled: nothing can be deployed in it; use another subscription (az account list; --subscription ID)`);
    expect(error.verdictsByNodeType).toEqual({});
  });

  it("matches usage rows by name.value with spaces and case ignored", () => {
    const result = selectRegion(
      snapshot([region({ name: "eastus", families: { "Standard DSv2 Family": [6, 10] } })]),
      demandFromConfig({ nodeType: "Standard_DS3_v2" }),
      { seed: 1, now },
    );
    expect(result.choice.headroom.family).toEqual({ name: "standardDSv2Family", free: 4, limit: 10 });
  });
});

describe("unknown signals fail open and say so", () => {
  it("a policy that could not be read is one note for the subscription, not one per region", () => {
    const base = snapshot([region({ name: "eastus" }), region({ name: "westus" })]);
    const result = selectRegion({ ...base, policy: { allowedLocations: null, error: "AuthorizationFailed" } }, lab, { seed: 1, now });
    expect(result.notes).toEqual(["policy unknown (AuthorizationFailed)"]);
    for (const verdict of result.verdicts) expect(verdict.notes).toEqual([]);
  });

  it("a region whose usages could not be read stays eligible with 'quota unknown', ranked after known headroom", () => {
    const unknown = { ...region({ name: "eastus" }), usages: null, usagesError: "HTTP 503 after 4 attempts" };
    const result = selectRegion(snapshot([unknown, region({ name: "westus", cores: [14, 20] })]), lab, { seed: 1, now });
    expect(result.choice.region).toBe("westus");
    const verdict = result.verdicts.find((v) => v.region === "eastus")!;
    expect(verdict.eligible).toBe(true);
    expect(verdict.notes).toContain("quota unknown (HTTP 503 after 4 attempts)");
  });

  it("a region whose SKU list could not be read is checked with the size's family from other regions", () => {
    const unknown = { ...region({ name: "eastus", families: { standardDSv2Family: [10, 10] } }), skus: null, skusError: "timeout" };
    const result = selectRegion(snapshot([unknown, region({ name: "westus" })]), demandFromConfig({ nodeType: "Standard_DS3_v2" }), { seed: 1, now });
    expect(reasonsOf(result, "eastus")).toEqual(["standardDSv2Family: 0 of 10 free, need 4"]);
  });
});

describe("ranking", () => {
  it("takes the preferred region when it is eligible, even with less headroom", () => {
    const demand = demandFromConfig({ nodeType: "Standard_DS3_v2", region: "East US" });
    const result = selectRegion(snapshot([region({ name: "eastus", cores: [12, 20] }), region({ name: "westus" })]), demand, { seed: 1, now });
    expect(result.choice.region).toBe("eastus");
    expect(result.choice.why).toMatch(/asked for/);
  });

  it("says why a preferred region was passed over", () => {
    const demand = demandFromConfig({ nodeType: "Standard_DS3_v2", region: "eastus" });
    const result = selectRegion(snapshot([region({ name: "eastus", cores: [20, 20] }), region({ name: "westus" })]), demand, { seed: 1, now });
    expect(result.choice.region).toBe("westus");
    // The next best is looked for in the preferred region's geography first.
    expect(result.choice.why).toMatch(/^eastus was asked for but is excluded \(cores: 0 of 20 free, need 4\); in US \(the preferred region eastus\): most headroom/);
  });

  it("prefers clearly more headroom and spreads near-equal regions by the seed", () => {
    const regions = ["a1", "a2", "a3", "a4", "a5", "a6"].map((name) => region({ name }));
    regions.push(region({ name: "tight", families: { standardDSv2Family: [6, 10] } })); // spare 0 vs 6: outside the near-equal window of 4
    const picks = new Set<string>();
    for (let seed = 0; seed < 40; seed++) picks.add(selectRegion(snapshot(regions), lab, { seed, now }).choice.region);
    expect(picks.has("tight")).toBe(false);
    expect(picks.size).toBeGreaterThan(3);
  });

  it("lists the choice first, other eligible regions by rank, then the excluded", () => {
    const result = selectRegion(
      snapshot([region({ name: "x", cores: [20, 20] }), region({ name: "b", cores: [10, 20] }), region({ name: "c" })]),
      lab,
      { seed: 3, now },
    );
    expect(result.verdicts.map((v) => [v.region, v.rank])).toEqual([["c", 1], ["b", 2], ["x", undefined]]);
  });
});

describe("node-type fallback", () => {
  it("uses the next node type only when the first fits nowhere", () => {
    const regions = [region({ name: "eastus", families: { standardDSv2Family: [10, 10], standardDDSv5Family: [0, 10] } })];
    const result = selectRegion(snapshot(regions), lab, { seed: 1, now });
    expect(result.choice.nodeType).toBe("Standard_D4ds_v5");
    expect(result.nodeTypesTried).toEqual([
      { nodeType: "Standard_DS3_v2", eligibleRegions: 0 },
      { nodeType: "Standard_D4ds_v5", eligibleRegions: 1 },
    ]);
    expect(result.choice.why).toMatch(/fallback Standard_D4ds_v5/);
    // Why the first size fit nowhere, with an example.
    expect(result.choice.why).toMatch(/Standard_DS3_v2 fits no region \(excluded by quota \d+; e\.g\. \w+: standardDSv2Family: \d+ of \d+ free, need 4\), so the fallback Standard_D4ds_v5 is used/);
  });

  it("when nothing fits, the one-line error names the constraint and what to do", () => {
    const trial = snapshot(
      [region({ name: "eastus", cores: [4, 4] }), region({ name: "westus", cores: [4, 4] })],
      { subscription: { id: "s", state: "Enabled", quotaId: "FreeTrial_2014-09-01" } },
    );
    try {
      selectRegion(trial, lab, { seed: 1, now });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(NoEligibleRegionError);
      const message = (error as Error).message;
      expect(message).not.toContain("\n");
      expect(message).toMatch(/no eligible region for Standard_DS3_v2, Standard_D4ds_v5 among 2 regions \(excluded by quota 2\)/);
      expect(message).toMatch(/cannot raise quota: use another subscription/);
      expect(Object.keys((error as NoEligibleRegionError).verdictsByNodeType)).toEqual(["Standard_DS3_v2", "Standard_D4ds_v5"]);
    }
  });

  it("on a pay-as-you-go subscription the advice is to request quota", () => {
    expect(() => selectRegion(snapshot([region({ name: "eastus", cores: [20, 20] })]), lab, { seed: 1, now })).toThrow(/request a quota increase/);
  });
});

describe("bad input", () => {
  const base = snapshot([region({ name: "eastus" })]);

  it("an unknown region is a UserInputError naming the region", () => {
    expect(() => selectRegion(base, demandFromConfig({ nodeType: "Standard_DS3_v2", region: "atlantis" }), { seed: 1, now })).toThrow(
      new UserInputError("region 'atlantis' is not an Azure region of this subscription's signals; use a programmatic name such as eastus"),
    );
  });

  it("an unknown or malformed node type is a UserInputError", () => {
    expect(() => selectRegion(base, demandFromConfig({ nodeType: "Standard_Z99_v9" }), { seed: 1, now })).toThrow(UserInputError);
    expect(() => selectRegion(base, demandFromConfig({ nodeType: "ds3" }), { seed: 1, now })).toThrow(/not a VM size name/);
  });
});
