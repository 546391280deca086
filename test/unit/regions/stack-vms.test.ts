import { describe, expect, it } from "vitest";
import { addEntry, type BlockEntry } from "../../../src/regions/blocklist";
import { demandFromConfig } from "../../../src/regions/demand";
import { NoEligibleRegionError, providersToRegister, selectRegion, type SelectionResult } from "../../../src/regions/evaluate";
import { blockEntryFor, classifyFailure } from "../../../src/regions/failover";
import { stackVmFacts } from "../../../src/regions/stack-quota";
import { managedQuotaInstances } from "../../../src/regions/stack-vms";
import type { UsageRow } from "../../../src/regions/signals";
import { D4DS, D4S, DS3, region, sku, snapshot } from "./snapshot-builder";

/**
 * Region selection for the whole stack: the AKS node pool (Microsoft.Compute quota, shared `cores`, SKU
 * restrictions) and managed endpoint instances (Azure ML's own quota) next to the Databricks node.
 */
const now = new Date("2026-11-23T12:00:00Z");
const full = demandFromConfig({
  nodeType: "Standard_DS3_v2",
  azureMl: true,
  databricksServing: { enabled: true },
  endpoints: [
    { name: "penguin-aci", kind: "aci", size: "small" },
    { name: "penguin-aks", kind: "aks", size: "small" },
    { name: "penguin-managed", kind: "managed", size: "small" },
  ],
});
const aksOnly = demandFromConfig({ nodeType: "Standard_DS3_v2", azureMl: true, endpoints: [{ name: "penguin-aks", kind: "aks", size: "small" }] });
const lab = demandFromConfig({ nodeType: "Standard_DS3_v2" });

/** Azure ML quota rows as the service names them (Usage/list.json). */
function mlRows(dsv2: [number, number], total: [number, number] = [0, 100]): UsageRow[] {
  return [
    { name: "Total Cluster Dedicated Regional vCPUs", currentValue: total[0], limit: total[1] },
    { name: "Standard DSv2 Family Cluster Dedicated vCPUs", currentValue: dsv2[0], limit: dsv2[1] },
  ];
}

function reasonsOf(result: SelectionResult, name: string): string[] {
  return result.verdicts.find((v) => v.region === name)!.reasons.map((r) => r.text);
}

describe("the stack's demand", () => {
  it("lists the AKS pool (with its surge node) and managed instances (with Azure ML's 20% reserve), and every namespace the program's resources need", () => {
    expect(full.stackVms).toEqual([
      { role: "AKS node pool", vmSize: "Standard_D4s_v5", count: 2, quota: "compute" },
      { role: "managed endpoint penguin-managed", vmSize: "Standard_DS3_v2", count: 2, quota: "azureml" },
    ]);
    expect(managedQuotaInstances(10)).toBe(12);
    expect(full.providers).toEqual([
      "Microsoft.Databricks",
      "Microsoft.MachineLearningServices",
      "Microsoft.ContainerInstance",
      "Microsoft.ContainerService",
      "Microsoft.Compute",
      "Microsoft.Storage",
      "Microsoft.KeyVault",
      "Microsoft.OperationalInsights",
      "Microsoft.Insights",
      "Microsoft.ContainerRegistry",
      "Microsoft.KubernetesConfiguration",
    ]);
    expect(lab.providers).toEqual(["Microsoft.Databricks", "Microsoft.Compute", "Microsoft.Storage"]);
    expect(lab.stackVms).toEqual([]);
  });

  it("the deploy registers every namespace of the stack that is not registered yet", () => {
    const base = snapshot([region({ name: "eastus" })]);
    const fresh = { ...base, providers: { ...base.providers, "microsoft.kubernetesconfiguration": "NotRegistered", "microsoft.insights": "NotRegistered" } };
    expect(providersToRegister(fresh, full)).toEqual(["Microsoft.Insights", "Microsoft.KubernetesConfiguration"]);
    expect(providersToRegister(fresh, lab)).toEqual([]);
  });
});

describe("regions where the AKS node cannot be created are excluded", () => {
  it("for a restricted or missing node size, though the Databricks node fits", () => {
    const result = selectRegion(
      snapshot([
        region({ name: "eastus", skus: [sku(DS3), sku(D4DS), sku(D4S, { restrictions: [{ type: "Location", reasonCode: "NotAvailableForSubscription" }] })] }),
        region({ name: "westus", skus: [sku(DS3), sku(D4DS)] }),
        region({ name: "northeurope" }),
      ]),
      aksOnly,
      { seed: 1, now },
    );
    expect(reasonsOf(result, "eastus")).toEqual(["AKS node pool: Standard_D4s_v5 NotAvailableForSubscription"]);
    expect(reasonsOf(result, "westus")).toEqual(["AKS node pool: Standard_D4s_v5 not offered here"]);
    expect(result.choice.region).toBe("northeurope");
    // The same regions are fine for a stack without AKS.
    expect(selectRegion(snapshot([region({ name: "westus", skus: [sku(DS3)] })]), lab, { seed: 1, now }).choice.region).toBe("westus");
  });

  it("for its family's quota, and for the regional cores the Databricks node and the pool share", () => {
    const result = selectRegion(
      snapshot([
        region({ name: "eastus", families: { standardDSv2Family: [0, 10], standardDSv5Family: [4, 10] } }),
        region({ name: "westus", cores: [9, 20] }),
        region({ name: "centralus", cores: [8, 20] }),
        region({ name: "northeurope", cores: [0, 20] }),
      ]),
      aksOnly,
      { seed: 1, now },
    );
    expect(reasonsOf(result, "eastus")).toEqual(["standardDSv5Family: 6 of 10 free, need 8 (AKS node pool, 2 x Standard_D4s_v5)"]);
    // 11 free cores hold the Databricks node (4) but not the pool too (8 more); 12 hold both, exactly.
    expect(reasonsOf(result, "westus")).toEqual(["cores: 11 of 20 free, need 12"]);
    expect(reasonsOf(result, "centralus")).toEqual([]);
    // Spare is what is left after the whole stack: min(10 - 4, 12 - 12) in centralus, min(10 - 4, 20 - 12) in northeurope.
    expect(result.verdicts.find((v) => v.region === "centralus")!.headroom).toMatchObject({ vCPUsNeeded: 4, spare: 0 });
    expect(result.verdicts.find((v) => v.region === "northeurope")!.headroom!.spare).toBe(6);
    expect(result.choice.region).toBe("northeurope");
  });

  it("counts the pool in the Databricks node's family when they share it", () => {
    const d4sNode = demandFromConfig({ nodeType: "Standard_D4s_v5", azureMl: true, endpoints: [{ name: "penguin-aks", kind: "aks", size: "small" }] });
    const result = selectRegion(snapshot([region({ name: "eastus", families: { standardDSv5Family: [0, 10] } }), region({ name: "westus", families: { standardDSv5Family: [0, 12] } })]), d4sNode, { seed: 1, now });
    expect(reasonsOf(result, "eastus")).toEqual(["standardDSv5Family: 10 of 10 free, need 12"]);
    expect(result.choice.region).toBe("westus");
  });
});

describe("managed endpoint instances draw on Azure ML's own quota", () => {
  const managed = demandFromConfig({ nodeType: "Standard_DS3_v2", azureMl: true, endpoints: [{ name: "penguin-managed", kind: "managed", size: "small" }] });

  it("excludes a region whose Azure ML family or total is short, with the 20% reserve in the need", () => {
    const result = selectRegion(
      snapshot([
        { ...region({ name: "eastus" }), mlUsages: mlRows([20, 24]) },
        { ...region({ name: "westus" }), mlUsages: mlRows([0, 24], [96, 100]) },
        { ...region({ name: "northeurope" }), mlUsages: mlRows([0, 24]) },
      ]),
      managed,
      { seed: 1, now },
    );
    expect(reasonsOf(result, "eastus")).toEqual(["Azure ML standardDSv2Family dedicated vCPUs: 4 of 24 free, need 8 (managed endpoint penguin-managed, 2 x Standard_DS3_v2, with Azure ML's 20% upgrade reserve)"]);
    expect(reasonsOf(result, "westus")).toEqual(["Azure ML total dedicated vCPUs: 4 of 100 free, need 8 (managed endpoint penguin-managed, 2 x Standard_DS3_v2)"]);
    expect(result.choice.region).toBe("northeurope");
  });

  it("does not charge them to the subscription's compute quota; unread Azure ML quota is a note, not an exclusion", () => {
    const result = selectRegion(snapshot([region({ name: "eastus", cores: [12, 20], families: { standardDSv2Family: [2, 10] } })]), managed, { seed: 1, now });
    expect(result.choice.region).toBe("eastus");
    expect(result.verdicts[0]!.notes).toContain("Azure ML quota unknown (not read)");
    const unreadable = selectRegion(snapshot([{ ...region({ name: "eastus" }), mlUsages: null, mlUsagesError: "AuthorizationFailed" }]), managed, { seed: 1, now });
    expect(unreadable.verdicts[0]!.notes).toContain("Azure ML quota unknown (AuthorizationFailed)");
  });
});

describe("failover for the stack's other VMs", () => {
  const facts = stackVmFacts([region({ name: "eastus" })], full.stackVms!);
  const context = { region: "eastus", nodeType: "Standard_DS3_v2", family: "standardDSv2Family", stackVms: facts };

  it("an AKS quota error blocks the pool's family; the block rules the region out for AKS stacks only", () => {
    const decision = classifyFailure(
      [{ code: "ErrCode_InsufficientVCPUQuota", message: "Insufficient vcpu quota requested 8, remaining 0 for family standardDSv5Family for region eastus. Surge nodes would also consume vcpu quota." }],
      context,
    );
    expect(decision).toMatchObject({ action: "failover", scope: { region: "eastus", family: "standardDSv5Family" } });
    const entries: BlockEntry[] = addEntry([], blockEntryFor(decision as Extract<typeof decision, { action: "failover" }>, now));
    const base = snapshot([region({ name: "eastus" }), region({ name: "westus" })]);
    expect(reasonsOf(selectRegion(base, aksOnly, { seed: 1, now, blocklist: entries }), "eastus")[0]).toMatch(/^blocked until .*quota exceeded for the AKS node pool \(standardDSv5Family\)/);
    expect(selectRegion(base, lab, { seed: 1, now, blocklist: entries, modelServing: { ...base.modelServing, regions: ["eastus"] } }).choice.region).toBe("eastus");
  });

  it("a capacity failure naming the AKS size blocks that size, not the Databricks node's", () => {
    const decision = classifyFailure(
      [{ code: "SkuNotAvailable", message: "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: Standard_D4s_v5' is currently not available in location 'eastus'." }],
      context,
    );
    expect(decision).toMatchObject({ action: "failover", scope: { region: "eastus", nodeType: "Standard_D4s_v5" } });
    const notAllowed = classifyFailure([{ code: "BadRequest", message: "The VM size of AgentPoolProfile:system is not allowed in your subscription in location 'eastus'." }], context);
    expect(notAllowed).toMatchObject({ action: "failover", scope: { region: "eastus", nodeType: "Standard_D4s_v5" } });
  });

  it("Azure ML's 'not enough quota' blocks its own quota family, which only stacks with managed endpoints count", () => {
    const decision = classifyFailure([{ code: "BadArgument", message: "Not enough quota available for Standard_DS3_v2 in SubscriptionId s. Current usage/limit: 20/24. Additional needed: 8" }], context);
    expect(decision).toMatchObject({ action: "failover", scope: { region: "eastus", family: "standardDSv2FamilyClusterDedicatedvCPUs" } });
    const entries = addEntry([], blockEntryFor(decision as Extract<typeof decision, { action: "failover" }>, now));
    const base = snapshot([region({ name: "eastus" }), region({ name: "westus" })]);
    expect(() => selectRegion({ ...base, regions: [base.regions[0]!] }, full, { seed: 1, now, blocklist: entries })).toThrow(NoEligibleRegionError);
    expect(selectRegion({ ...base, regions: [base.regions[0]!] }, lab, { seed: 1, now, blocklist: entries }).choice.region).toBe("eastus");
  });
});
