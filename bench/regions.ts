/**
 * bench/regions.ts — region selection over ~60 public Azure regions against the ARM test server with
 * 150 ms of injected latency per request, compared in the same run with setup.ps1's approach: for each
 * region in turn, list its VM sizes and then read its usages (two sequential calls per region).
 *
 *   npm run bench:regions            (or: npx tsx bench/regions.ts [--latency-ms 150] [--skus-per-region 60])
 *
 * Prints wall times, the ratio, request counts and the sequential round trips: the longest chain of
 * requests where each starts only after the previous one answered (measured on the client from every
 * request's start and end). Figures only; nothing is asserted.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { PolicyClient } from "@azure/arm-policy";
import { ResourceManagementClient } from "@azure/arm-resources";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { armScope, StaticTokenCredential } from "../src/azure/credentials";
import { AZURE_PUBLIC_REGIONS } from "../src/config/azure-regions";
import { demandFromConfig } from "../src/regions/demand";
import { selectRegion } from "../src/regions/evaluate";
import { modelServingSignals } from "../src/regions/model-serving-regions";
import { readSkus, readUsages } from "../src/regions/sources/compute";
import { gatherSignals } from "../src/regions/sources/gather";
import { startArmTestServer, type InventoryInput } from "../test/support/arm-test-server";
import { trustTestCa } from "../test/support/tls";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const LATENCY_MS = flag("latency-ms", 150);
const SKUS_PER_REGION = flag("skus-per-region", 60);
const SUB = "20000000-0000-4000-8000-0000000000be";

function displayName(name: string): string {
  return name.replace(/(\d+)$/, " $1").replace(/^(.)/, (c) => c.toUpperCase());
}

function inventory(): InventoryInput {
  const regions = [...AZURE_PUBLIC_REGIONS];
  const families = ["standardDSv2Family", "standardDDSv5Family", "standardDADSv5Family", "standardDSv5Family", "standardESv5Family", "standardFSv2Family"];
  // A realistic-looking size list: the lab's sizes plus generated ones, so the unfiltered listing is big.
  const skus = [
    { name: "Standard_DS3_v2", family: "standardDSv2Family", vCPUs: 4, zones: ["1", "2", "3"] },
    { name: "Standard_D4ds_v5", family: "standardDDSv5Family", vCPUs: 4, zones: ["1", "2", "3"] },
    { name: "Standard_D4ads_v5", family: "standardDADSv5Family", vCPUs: 4, zones: ["1", "2", "3"] },
    ...Array.from({ length: Math.max(0, SKUS_PER_REGION - 3) }, (_, i) => ({
      name: `Standard_X${2 ** (i % 6)}s_v${1 + Math.floor(i / 6)}`,
      family: families[i % families.length]!,
      vCPUs: 2 ** (i % 6),
      zones: ["1", "2", "3"],
    })),
  ];
  const usages = [{ name: "cores", currentValue: 0, limit: 20 }, ...families.map((f) => ({ name: f, currentValue: 0, limit: 10 })), { name: "virtualMachines", currentValue: 0, limit: 25000 }];
  const display = regions.map(displayName);
  return {
    locations: regions.map((name) => ({ name, displayName: displayName(name) })),
    defaults: {
      usages: { "*": usages, eastus: usages.map((u) => (u.name === "cores" ? { ...u, currentValue: 18 } : u)) },
      skus: { "*": skus },
      providers: ["Microsoft.Compute", "Microsoft.Storage", "Microsoft.Databricks", "Microsoft.MachineLearningServices", "Microsoft.ContainerInstance", "Microsoft.ContainerService"].map((namespace) => ({
        namespace,
        resourceTypes: [{ resourceType: namespace === "Microsoft.Databricks" ? "workspaces" : "x", locations: display }],
      })),
    },
    subscriptions: [{ subscriptionId: SUB, displayName: "Benchmark subscription" }],
  };
}

interface Span {
  start: number;
  end: number;
}

/** Records every HTTP attempt's start and end, to find the longest chain of sequential requests. */
function timingPolicy(spans: Span[]): PipelinePolicy {
  return {
    name: "benchTiming",
    async sendRequest(request, next) {
      const span = { start: performance.now(), end: Number.POSITIVE_INFINITY };
      spans.push(span);
      try {
        return await next(request);
      } finally {
        span.end = performance.now();
      }
    },
  };
}

/** Depth of the longest chain: a request follows another when it started after that one ended. */
function roundTrips(spans: readonly Span[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  sorted.forEach((span, i) => {
    let best = 0;
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= span.start) best = Math.max(best, depth[j]!);
    depth[i] = best + 1;
  });
  return Math.max(0, ...depth);
}

async function main(): Promise<void> {
  const server = await startArmTestServer({
    seed: inventory(),
    faults: [{ kind: "latency", latencyMs: LATENCY_MS }],
    // One response holds the whole unfiltered size list here (see the printed page count).
    paging: { pageSize: 5_000 },
  });
  trustTestCa(server.caCertPem);
  // The same official clients the toolkit builds, plus a timing policy for the round-trip count.
  const spans: Span[] = [];
  const credential = new StaticTokenCredential("bench");
  const options = { endpoint: server.url, credentials: { scopes: [armScope(server.url)] }, additionalPolicies: [{ policy: timingPolicy(spans), position: "perRetry" as const }] };
  const clients = {
    compute: new ComputeManagementClient(credential, SUB, options),
    resources: new ResourceManagementClient(credential, SUB, options),
    subscriptions: new SubscriptionClient(credential, options),
    policy: new PolicyClient(credential, SUB, options),
  };
  const demand = demandFromConfig({ nodeType: "Standard_DS3_v2", nodeTypeFallbacks: ["Standard_D4ds_v5"] });
  try {
    // Warm up TLS and module loading outside the measurement.
    await clients.subscriptions.subscriptions.get(SUB);

    let before = server.requests().length;
    spans.length = 0;
    let started = performance.now();
    const snapshot = await gatherSignals({ clients, subscriptionId: SUB, modelServing: modelServingSignals({}) });
    const result = selectRegion(snapshot, demand, { seed: 1, now: new Date() });
    const toolkitMs = performance.now() - started;
    const toolkitRequests = server.requests().slice(before);
    const skuPages = toolkitRequests.filter((r) => /Microsoft.Compute\/skus$/.test(r.path)).length;
    const toolkitRoundTrips = roundTrips(spans);

    before = server.requests().length;
    spans.length = 0;
    started = performance.now();
    let fits = 0;
    for (const region of snapshot.regions.map((r) => r.name)) {
      const skus = await readSkus(clients.compute, region);
      const usages = await readUsages(clients.compute, region);
      const size = skus.find((s) => s.name === "Standard_DS3_v2");
      const family = usages.find((u) => u.name === size?.family);
      if (size && family && family.limit - family.currentValue >= 4) fits++;
    }
    const baselineMs = performance.now() - started;
    const baselineRequests = server.requests().length - before;
    const baselineRoundTrips = roundTrips(spans);

    const line = (label: string, ms: number, extra: string) => console.log(`${label.padEnd(58)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${extra}`);
    console.log(`bench/regions: ${snapshot.regions.length} regions, ${SKUS_PER_REGION} VM sizes each, ${LATENCY_MS} ms injected latency per request`);
    line("toolkit (live signals for every region + evaluation)", toolkitMs, `${toolkitRequests.length} requests (${skuPages} SKU page), ${toolkitRoundTrips} sequential round trips`);
    line("baseline (setup.ps1: per region, SKU list then usages)", baselineMs, `${baselineRequests} requests, ${baselineRoundTrips} sequential round trips`);
    console.log(`ratio: ${(baselineMs / toolkitMs).toFixed(1)}x faster`);
    console.log(`choice: ${result.choice.region} with ${result.choice.nodeType}; ${result.verdicts.filter((v) => v.eligible).length} eligible, ${result.verdicts.filter((v) => !v.eligible).length} excluded (baseline found ${fits} regions with DSv2 family quota, without checking cores, serving or policy)`);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
