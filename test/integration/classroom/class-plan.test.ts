import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleRoster, exampleSnapshot } from "../../../scripts/class-example";
import { serializeSnapshot } from "../../../src/regions/signals";
import { makeTestCertificates } from "../../support/arm-test-server/core/tls";
import { runCli } from "../../support/cli-output";
import { trustTestCa } from "../../support/tls";

/**
 * `mlflow-lab class plan` in process on the shipped example (200 learners, one subscription's signals
 * over the public regions), with the Azure Retail Prices API stood in for by a local HTTPS server that
 * answers the documented shape (Items, NextPageLink) from the request's own $filter. The real endpoint is
 * never called.
 */
const repo = path.resolve(__dirname, "../../..");
const ROSTER = path.join(repo, "examples/class/roster-200.csv");
const SNAPSHOT = path.join(repo, "examples/class/snapshot-58-regions.json");

let server: https.Server;
let pricesUrl: string;
let requests: string[] = [];
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "class-plan-"));
  const certs = await makeTestCertificates();
  trustTestCa(certs.caCertPem);
  server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    const url = new URL(req.url ?? "/", "https://localhost");
    requests.push(url.searchParams.get("$filter") ?? "");
    const filter = url.searchParams.get("$filter") ?? "";
    const region = /armRegionName eq '([^']+)'/.exec(filter)?.[1] ?? "";
    const skus = [...filter.matchAll(/armSkuName eq '([^']+)'/g)].map((m) => m[1]!);
    // Two pages: the Windows rows first (which must be skipped), the Linux ones behind NextPageLink.
    const linux = skus.map((sku) => ({ armSkuName: sku, armRegionName: region, retailPrice: 0.5, unitPrice: 0.5, currencyCode: "USD", priceType: "Consumption", unitOfMeasure: "1 Hour", productName: "Virtual Machines Series", skuName: sku.replace("Standard_", ""), serviceName: "Virtual Machines" }));
    const windows = linux.map((item) => ({ ...item, retailPrice: 9, productName: "Virtual Machines Series Windows" }));
    const page = url.searchParams.get("page");
    const next = new URL(url.toString());
    next.searchParams.set("page", "2");
    const body = page === "2" ? { Items: linux, NextPageLink: null } : { Items: windows, NextPageLink: `${pricesUrl}?${next.searchParams.toString()}` };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ BillingCurrency: "USD", CustomerEntityType: "Retail", Count: body.Items.length, ...body }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  pricesUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/retail/prices`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

interface PlanJson {
  assignments: Array<{ learner: string; subscription: string; region: string; nodeType: string; workspace: string }>;
  unassigned: Array<{ learner: string; reason: string }>;
  costPerHour: number;
  requests: Array<{ region: string; row: string; limit: number; newLimit: number }>;
  cost: { prices: Array<{ region: string; source: string; retrievedAt: string }> };
}

const env = () => ({ MLFLOW_LAB_STATE_DIR: path.join(dir, "state"), MLFLOW_LAB_RETAIL_PRICES_URL: pricesUrl, AZURE_SUBSCRIPTION_ID: "", MLFLOW_LAB_ACCESS_TOKEN: "" });

describe("class plan", () => {
  it("assigns all 200 learners of the example without exceeding any region's family or total vCPUs, priced live", async () => {
    requests = [];
    const result = await runCli(["class", "plan", "--roster", ROSTER, "--from-snapshot", SNAPSHOT, "--json"], env());
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as PlanJson;
    expect(plan.assignments).toHaveLength(200);
    expect(plan.unassigned).toEqual([]);
    expect(new Set(plan.assignments.map((a) => a.learner)).size).toBe(200);

    // Every region's quota, read from the snapshot itself: family rows and cores.
    const snapshot = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as ReturnType<typeof exampleSnapshot>;
    for (const region of snapshot.regions) {
      const here = plan.assignments.filter((a) => a.region === region.name);
      const free = (row: string) => {
        const u = region.usages!.find((x) => x.name.toLowerCase() === row.toLowerCase())!;
        return u.limit - u.currentValue;
      };
      expect(here.length * 4, `${region.name} cores`).toBeLessThanOrEqual(free("cores"));
      for (const sku of region.skus!) {
        const onFamily = here.filter((a) => region.skus!.find((s) => s.name === a.nodeType)!.family === sku.family).length;
        expect(onFamily * 4, `${region.name} ${sku.family}`).toBeLessThanOrEqual(free(sku.family));
        if (sku.restrictions.length > 0) expect(here.some((a) => a.nodeType === sku.name)).toBe(false);
      }
    }
    // Spread evenly: no region more than two learners ahead of another that still had room.
    const perRegion = new Map<string, number>();
    for (const a of plan.assignments) perRegion.set(a.region, (perRegion.get(a.region) ?? 0) + 1);
    expect(perRegion.size).toBeGreaterThan(30);

    // Live prices for exactly the chosen regions, Linux rows behind the second page, and a dated cache.
    expect(plan.cost.prices.every((p) => p.source === "live")).toBe(true);
    expect(new Set(plan.cost.prices.map((p) => p.region))).toEqual(new Set(perRegion.keys()));
    expect(requests.every((f) => f.startsWith("serviceName eq 'Virtual Machines' and priceType eq 'Consumption' and armRegionName eq '"))).toBe(true);
    expect(plan.costPerHour).toBeCloseTo(200 * (0.5 + 0.75 * 0.55), 0);
    const cache = JSON.parse(fs.readFileSync(path.join(dir, "state", "retail-prices.json"), "utf8")) as { regions: Record<string, { retrievedAt: string }> };
    expect(Object.keys(cache.regions).length).toBe(perRegion.size);
  });

  it("uses the dated cache without asking again, and says bundled when told to", async () => {
    requests = [];
    const cached = JSON.parse((await runCli(["class", "plan", "--roster", ROSTER, "--from-snapshot", SNAPSHOT, "--json"], env())).stdout) as PlanJson;
    expect(requests).toEqual([]);
    expect(cached.cost.prices.every((p) => p.source === "cache")).toBe(true);
    const bundled = await runCli(["class", "plan", "--roster", ROSTER, "--from-snapshot", SNAPSHOT, "--prices", "bundled"], env());
    expect(bundled.code).toBe(0);
    expect(bundled.stdout).toMatch(/cost: \$\d+\.\d\d\/hour for the whole class .*prices: bundled table 2026-11-23/);
  });

  it("a class that does not fit: how many fit, where quota runs out, what to request; exit 1", async () => {
    const roster = path.join(dir, "big.csv");
    fs.writeFileSync(roster, exampleRoster(1500));
    const snapshot = path.join(dir, "small.json");
    fs.writeFileSync(snapshot, serializeSnapshot(exampleSnapshot(6)));
    const result = await runCli(["class", "plan", "--roster", roster, "--from-snapshot", snapshot, "--json", "--prices", "bundled"], env());
    expect(result.code).toBe(1);
    const plan = JSON.parse(result.stdout) as PlanJson;
    expect(plan.assignments.length).toBeGreaterThan(0);
    expect(plan.assignments.length + plan.unassigned.length).toBe(1500);
    expect(plan.unassigned[0]!.reason).toMatch(/no room left/);
    expect(plan.requests.length).toBeGreaterThan(0);
    for (const r of plan.requests) expect(r.newLimit).toBeGreaterThan(r.limit);
    expect(result.stderr).toMatch(/^error: \d+ of 1500 learners fit; \d+ do not/);
  });

  it("bad input: one line naming the file (and line and column), exit 2", async () => {
    const roster = path.join(dir, "bad.csv");
    fs.writeFileSync(roster, "learner,region\nann@contoso.edu,mars\n");
    const bad = await runCli(["class", "plan", "--roster", roster, "--from-snapshot", SNAPSHOT], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr.startsWith(`error: roster ${roster} line 2, column 2: region 'mars' is not an Azure region`)).toBe(true);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    const missing = await runCli(["class", "plan", "--roster", path.join(dir, "nope.csv"), "--from-snapshot", SNAPSHOT], env());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: roster .*nope\.csv does not exist/);
    const layout = await runCli(["class", "plan", "--roster", ROSTER, "--from-snapshot", SNAPSHOT, "--layout", "shared"], env());
    expect(layout.code).toBe(2);
    expect(layout.stderr).toMatch(/--layout shared needs --per-workspace K/);
  });
});
