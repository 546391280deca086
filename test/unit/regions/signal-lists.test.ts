import { describe, expect, it } from "vitest";
import { demandFromConfig, RESOURCE_TYPES } from "../../../src/regions/demand";
import { SIGNAL_NAMESPACES, SIGNAL_RESOURCE_TYPES } from "../../../src/regions/sources/providers";

describe("the signals read for every resource type and namespace a demand can ask for", () => {
  it("derives the lists from the demand's resource types, in a stable order", () => {
    expect(SIGNAL_RESOURCE_TYPES).toEqual(Object.values(RESOURCE_TYPES));
    expect(SIGNAL_NAMESPACES).toEqual([
      "Microsoft.Compute",
      "Microsoft.Storage",
      "Microsoft.Databricks",
      "Microsoft.MachineLearningServices",
      "Microsoft.ContainerInstance",
      "Microsoft.ContainerService",
      // What the program's other resource types need (Key Vault, Log Analytics, Application Insights,
      // container registry, the AKS Azure ML extension): registered before `up` too.
      "Microsoft.KeyVault",
      "Microsoft.OperationalInsights",
      "Microsoft.Insights",
      "Microsoft.ContainerRegistry",
      "Microsoft.KubernetesConfiguration",
    ]);
  });

  it("covers the largest demand", () => {
    const demand = demandFromConfig({
      nodeType: "Standard_DS3_v2",
      azureMl: true,
      endpoints: [{ kind: "aci" }, { kind: "aks" }, { kind: "managed" }],
    });
    for (const type of demand.resourceTypes) expect(SIGNAL_RESOURCE_TYPES).toContain(type);
    for (const namespace of demand.providers) expect(SIGNAL_NAMESPACES).toContain(namespace);
  });
});
