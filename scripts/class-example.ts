/**
 * Example inputs for `mlflow-lab class plan`, made up and labelled as such: a roster of N learners and a
 * region-signals snapshot of one subscription over every public region (or more, made up, for the benchmark), with quotas that vary by
 * region (some roomy, some nearly used up, a few sizes restricted), so a class spreads the way it would.
 *
 *   npx tsx scripts/class-example.ts [--learners 200] [--regions 58] [--out examples/class]
 *
 * writes <out>/roster-<N>.csv and <out>/snapshot-<R>-regions.json. The benchmark (bench/class.ts) and the
 * tests build theirs with the same functions.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { AZURE_PUBLIC_REGIONS } from "../src/config/azure-regions";
import { REGION_GEOGRAPHY_FALLBACK } from "../src/regions/geography";
import { SNAPSHOT_FORMAT, serializeSnapshot, type RegionSignalsSnapshot } from "../src/regions/signals";

export const EXAMPLE_SUBSCRIPTION = "00000000-0000-4000-8000-00000000c1a5";

export function exampleRoster(learners: number, options: { objectIds?: boolean } = {}): string {
  const lines = [options.objectIds === false ? "learner" : "learner,objectId"];
  for (let i = 1; i <= learners; i++) {
    const id = `learner${String(i).padStart(4, "0")}@contoso.edu`;
    const objectId = `00000000-0000-4000-9000-${String(i).padStart(12, "0")}`;
    lines.push(options.objectIds === false ? id : `${id},${objectId}`);
  }
  return `${lines.join("\n")}\n`;
}

/** A deterministic pseudo-random number in [0, 1) for a name: the same snapshot on every machine. */
function unit(name: string): number {
  let hash = 2166136261;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash / 4294967296;
}

/** `scale` multiplies every quota (the benchmark's 1,000 learners need more than a default subscription). */
export function exampleSnapshot(regionCount: number, options: { subscription?: string; capturedAt?: string; scale?: number } = {}): RegionSignalsSnapshot {
  const scale = options.scale ?? 1;
  // Past the public regions (58 today), made-up ones: the benchmark plans over 60.
  const names = Array.from({ length: regionCount }, (_, i) => AZURE_PUBLIC_REGIONS[i] ?? `examplecentral${i + 1}`);
  const regions = names.map((name) => {
    const r = unit(name);
    // Most regions: 40-100 cores and 20-40 per family; one in eight nearly used up.
    const tight = r < 0.125;
    const cores = (tight ? 8 : 40 + Math.floor(r * 60)) * scale;
    const family = (tight ? 4 : 20 + Math.floor(unit(`${name}/f`) * 20)) * scale;
    const used = (f: number) => (tight ? f - 4 : Math.floor(unit(`${name}/u`) * 4));
    const restricted = unit(`${name}/r`) < 0.1;
    return {
      name,
      geography: REGION_GEOGRAPHY_FALLBACK[name],
      usages: [
        { name: "cores", currentValue: used(cores), limit: cores },
        { name: "standardDSv2Family", currentValue: used(family), limit: family },
        { name: "standardDDSv5Family", currentValue: used(family), limit: family },
        { name: "standardDADSv5Family", currentValue: 0, limit: family },
        { name: "virtualMachines", currentValue: 0, limit: 25000 },
      ],
      skus: [
        { name: "Standard_DS3_v2", family: "standardDSv2Family", vCPUs: 4, zones: ["1", "2", "3"], restrictions: restricted ? [{ type: "Location", reasonCode: "NotAvailableForSubscription" }] : [] },
        { name: "Standard_D4ds_v5", family: "standardDDSv5Family", vCPUs: 4, zones: ["1", "2", "3"], restrictions: [] },
        { name: "Standard_D4ads_v5", family: "standardDADSv5Family", vCPUs: 4, zones: ["1", "2", "3"], restrictions: [] },
      ],
    };
  });
  return {
    format: SNAPSHOT_FORMAT,
    capturedAt: options.capturedAt ?? "2026-12-03T08:00:00Z",
    example: { label: `EXAMPLE signals for ${names.length} regions, made up for illustration on 2026-12-03: not your subscription` },
    subscription: { id: options.subscription ?? EXAMPLE_SUBSCRIPTION, displayName: "Example class subscription", state: "Enabled", quotaId: "PayAsYouGo_2014-09-01" },
    regions,
    resourceTypes: { "Microsoft.Databricks/workspaces": names },
    providers: { "Microsoft.Compute": "Registered", "Microsoft.Storage": "Registered", "Microsoft.Databricks": "Registered" },
    policy: { allowedLocations: null },
    modelServing: { regions: names, retrievedAt: "2026-12-03", source: "example: every region of this snapshot" },
  } as RegionSignalsSnapshot;
}

if (require.main === module) {
  const flag = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1]! : fallback;
  };
  const learners = Number(flag("learners", "200"));
  const regionCount = Number(flag("regions", String(AZURE_PUBLIC_REGIONS.length)));
  const out = flag("out", path.join("examples", "class"));
  fs.mkdirSync(out, { recursive: true });
  const rosterFile = path.join(out, `roster-${learners}.csv`);
  const snapshotFile = path.join(out, `snapshot-${regionCount}-regions.json`);
  fs.writeFileSync(rosterFile, exampleRoster(learners));
  fs.writeFileSync(snapshotFile, serializeSnapshot(exampleSnapshot(regionCount)));
  process.stdout.write(`wrote ${rosterFile} and ${snapshotFile}\n`);
}
