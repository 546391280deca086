import type { LabConfig } from "../config/lab-config";
import { ACI_PROXY_SHAPE, ACI_SCORER_SHAPE, aksShapeFor, MANAGED_SHAPE } from "../config/endpoint-sizes";
import PRICE_TABLE_JSON from "./price-table.json";

/**
 * Cost per hour of what bills by the hour in a lab (the cluster while running, the endpoints while
 * up), from the dated price table in this folder. Pure: same config and table, same estimate. Storage,
 * logs, Key Vault and registry fees are usage-based and small; they are left out and said so.
 */
export interface PriceTable {
  retrievedOn: string;
  region: string;
  currency: string;
  source: string;
  method: string;
  vmLinuxPerHour: Record<string, number>;
  databricks: {
    allPurposeDbuPricePremium: number;
    dbuPerHour: Record<string, number>;
    servingDbuPrice: number;
    servingDbuPerHour: Record<string, number>;
    /** Premium serverless notebook compute, per DBU, compute included. */
    serverlessNotebookDbuPricePremium: number;
    /** Estimated DBUs per hour of the lab's interactive serverless notebook session. */
    serverlessNotebookDbuPerHour: number;
    serverlessSource: string;
    serverlessRetrievedOn: string;
    serverlessMethod: string;
  };
  containerInstances: { vcpuPerHour: number; memoryGbPerHour: number };
  kubernetesService: { freeTierControlPlanePerHour: number };
}

export const PRICE_TABLE: PriceTable = PRICE_TABLE_JSON;

export interface CostItem {
  /** What bills: `cluster` or `serverless-notebook`, `databricks-serving:<name>`, `endpoint:<name>`, `aks-cluster`. */
  item: string;
  description: string;
  /** null when the table has no price for the size in use. */
  usdPerHour: number | null;
}

export interface CostEstimate {
  currency: string;
  /** The region the prices are for (may differ from the lab's). */
  priceRegion: string;
  retrievedOn: string;
  source: string;
  items: CostItem[];
  /** Sum of the priced items. */
  totalUsdPerHour: number;
  notes: string[];
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

export function estimateCostPerHour(config: LabConfig, table: PriceTable = PRICE_TABLE): CostEstimate {
  const items: CostItem[] = [];
  const notes: string[] = [];
  const vm = (size: string) => table.vmLinuxPerHour[size];

  if (config.compute === "serverless") {
    const { serverlessNotebookDbuPerHour: dbu, serverlessNotebookDbuPricePremium: price } = table.databricks;
    items.push({
      item: "serverless-notebook",
      description: `serverless notebook compute: ~${dbu} DBU/h (estimate) × $${price} (Premium serverless, compute included, no VM bill); only while the notebook runs`,
      usdPerHour: round(dbu * price),
    });
    notes.push(`serverless notebook price: ${table.databricks.serverlessSource} Read ${table.databricks.serverlessRetrievedOn}. ${table.databricks.serverlessMethod}`);
  } else {
    const clusterVm = vm(config.nodeType);
    const clusterDbu = table.databricks.dbuPerHour[config.nodeType];
    items.push({
      item: "cluster",
      description: `single-node ${config.nodeType}: VM + ${clusterDbu ?? "?"} DBU/h × $${table.databricks.allPurposeDbuPricePremium} (Premium all-purpose); only while running, stops after ${config.autoterminationMinutes} idle min`,
      usdPerHour:
        clusterVm !== undefined && clusterDbu !== undefined
          ? round(clusterVm + clusterDbu * table.databricks.allPurposeDbuPricePremium)
          : null,
    });
  }

  if (config.databricksServing.enabled) {
    const serving = config.databricksServing;
    const dbu = table.databricks.servingDbuPerHour[serving.size];
    items.push({
      item: `databricks-serving:${serving.name}`,
      description: `Model Serving ${serving.size}: ${dbu ?? "?"} DBU/h × $${table.databricks.servingDbuPrice}${serving.scaleToZero ? "; $0 while scaled to zero" : ""}`,
      usdPerHour: dbu !== undefined ? round(dbu * table.databricks.servingDbuPrice) : null,
    });
  }

  const aks = config.endpoints.filter((e) => e.kind === "aks");
  if (aks.length > 0) {
    const shape = aksShapeFor(aks.map((e) => e.size));
    const price = vm(shape.nodeVmSize);
    items.push({
      item: "aks-cluster",
      description: `AKS (free tier) ${shape.nodeCount} × ${shape.nodeVmSize} shared by ${aks.map((e) => e.name).join(", ")}`,
      usdPerHour:
        price !== undefined ? round(shape.nodeCount * price + table.kubernetesService.freeTierControlPlanePerHour) : null,
    });
  }

  for (const endpoint of config.endpoints) {
    if (endpoint.kind === "managed") {
      const shape = MANAGED_SHAPE[endpoint.size];
      const price = vm(shape.instanceType);
      items.push({
        item: `endpoint:${endpoint.name}`,
        description: `Azure ML managed endpoint, ${shape.instanceCount} × ${shape.instanceType} (billed at the VM price)`,
        usdPerHour: price !== undefined ? round(shape.instanceCount * price) : null,
      });
    } else if (endpoint.kind === "aci") {
      const scorer = ACI_SCORER_SHAPE[endpoint.size];
      const cpu = scorer.cpu + ACI_PROXY_SHAPE.cpu;
      const memory = scorer.memoryInGB + ACI_PROXY_SHAPE.memoryInGB;
      items.push({
        item: `endpoint:${endpoint.name}`,
        description: `Container Instances ${cpu} vCPU / ${memory} GB (scorer + auth proxy)`,
        usdPerHour: round(cpu * table.containerInstances.vcpuPerHour + memory * table.containerInstances.memoryGbPerHour),
      });
    } else {
      items.push({
        item: `endpoint:${endpoint.name}`,
        description: "Kubernetes online endpoint: runs on the AKS cluster above",
        usdPerHour: 0,
      });
    }
  }

  for (const item of items) {
    if (item.usdPerHour === null) notes.push(`no price in the table for ${item.item}; it is left out of the total`);
  }
  if (config.region !== table.region) {
    notes.push(`prices are ${table.region} list prices; ${config.region} may differ`);
  }
  notes.push("estimates from a hand-compiled list-price table, not a quote; storage, logs, Key Vault and registry fees are not included");

  const total = items.reduce((sum, item) => sum + (item.usdPerHour ?? 0), 0);
  return {
    currency: table.currency,
    priceRegion: table.region,
    retrievedOn: table.retrievedOn,
    source: table.source,
    items,
    totalUsdPerHour: round(total),
    notes,
  };
}
