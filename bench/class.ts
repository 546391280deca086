/**
 * bench/class.ts — a class, planned and deployed.
 *
 * 1. Plan time: `class plan`'s work (candidates from every region's verdicts, the quota-pool assignment,
 *    the shortfall, the cost) for 10, 100 and 1,000 learners over 60 regions, per-learner and shared
 *    (10 per workspace). Median of several runs, wall clock, in this process. Goal: 1,000 under 2 s.
 * 2. `class up` of 100 learners against the ARM test server with a write bucket small enough to be the
 *    binding limit (20 writes, 1 per second, simulated), the recording deployer in place of the Pulumi
 *    CLI, and the class's own start gate paced to the same bucket. Lower bound: the bucket cannot pass
 *    the class's writes (100 labs × their writes) faster than burst + refill × t, and the last lab still
 *    takes one lab's own deploy time after its writes are in: bound = (N·W − burst) / refill + one lab alone.
 *    Goal: within 1.2× of the bound. Times are simulated seconds (real ÷ time scale).
 *
 *   npm run bench:class   (or: npx tsx bench/class.ts [--learners 100] [--time-scale 0.05] [--runs 5])
 * Figures only; nothing is asserted. At time scales below 0.05 the 100 deploys' own polling (client and
 * server share this process and its CPU) shows up multiplied by 1 / time scale: 0.01 measured 1.9× here.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { systemClock } from "../src/azure/clock";
import { ArmClient } from "../src/azure/arm-client";
import { StaticTokenCredential } from "../src/azure/credentials";
import { createSdkClients, type SdkContext } from "../src/azure/sdk-clients";
import { buildClassPlan, classSetup } from "../src/classroom/class-plan";
import { classUp } from "../src/classroom/class-up";
import { ClassStateStore } from "../src/classroom/state";
import { ArmBudget } from "../src/azure/arm-budget";
import { SdkLabArm } from "../src/deploy/lab-arm";
import { BlocklistStore } from "../src/regions/blocklist-store";
import { gatherSignals } from "../src/regions/sources/gather";
import { startArmTestServer } from "../test/support/arm-test-server";
import { trustTestCa } from "../test/support/tls";
import { RecordingDeployer } from "../test/integration/deploy/recording-deployer";
import { labInventory, SUB } from "../test/integration/regions/lab-inventory";
import { exampleRoster, exampleSnapshot } from "../scripts/class-example";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const LEARNERS = flag("learners", 100);
const TIME_SCALE = flag("time-scale", 0.05);
const RUNS = flag("runs", 5);
const WRITE_BUCKET = { capacity: 20, refillPerSecond: 1 };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-class-"));
process.env.MLFLOW_LAB_STATE_DIR = path.join(dir, "state");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function planTimes(): Promise<void> {
  const snapshot = exampleSnapshot(60, { scale: 4 });
  process.stdout.write(`plan time over ${snapshot.regions.length} regions (median of ${RUNS} runs; bundled prices, no I/O):\n`);
  for (const learners of [10, 100, 1000]) {
    const roster = path.join(dir, `bench-${learners}.csv`);
    fs.writeFileSync(roster, exampleRoster(learners));
    for (const layout of [{ name: "per-learner" }, { name: "shared", perWorkspace: "10" }] as const) {
      const times: number[] = [];
      let placed = 0;
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        const setup = classSetup({ roster, stack: "lab", layout: layout.name, ...("perWorkspace" in layout ? { perWorkspace: layout.perWorkspace } : {}) });
        const plan = await buildClassPlan(setup, [snapshot], { prices: "bundled", env: { ...process.env } });
        times.push(performance.now() - started);
        placed = plan.assignments.length;
      }
      process.stdout.write(`  ${String(learners).padStart(5)} learners, ${layout.name.padEnd(11)}: ${(median(times) / 1000).toFixed(3)} s (${placed} placed)\n`);
    }
  }
}

async function upAgainstBudget(): Promise<void> {
  const regions = ["eastus", "eastus2", "westus2", "westeurope", "northeurope", "uksouth"];
  const usages = [
    { name: "cores", currentValue: 0, limit: 400 },
    { name: "standardDSv2Family", currentValue: 0, limit: 200 },
    { name: "standardDDSv5Family", currentValue: 0, limit: 200 },
  ];
  const durations = { databricksCreate: 20_000, resourceGroupDelete: 10_000, databricksDelete: 10_000, managedResourceGroupRemoval: 5_000 };
  const scaled = { capacity: WRITE_BUCKET.capacity, refillPerSecond: WRITE_BUCKET.refillPerSecond / TIME_SCALE };
  process.env.MLFLOW_LAB_MODEL_SERVING_REGIONS = regions.join(",");

  const deployClass = async (learners: number, label: string) => {
    const server = await startArmTestServer({
      seed: labInventory({ regions, usages }),
      timeScale: TIME_SCALE,
      durations,
      pollIntervalMs: 1_000,
      throttle: { writes: { burst: WRITE_BUCKET.capacity, refillPerSecond: WRITE_BUCKET.refillPerSecond }, reads: { burst: 2500, refillPerSecond: 1000 }, deletes: { burst: 200, refillPerSecond: 10 } },
    });
    trustTestCa(server.caCertPem);
    try {
      const ctx: SdkContext = { credential: new StaticTokenCredential("bench"), endpoint: server.url, retry: { baseDelayMs: 1000 * TIME_SCALE, maxDelayMs: 64_000 * TIME_SCALE } };
      const roster = path.join(dir, `${label}.csv`);
      fs.writeFileSync(roster, exampleRoster(learners));
      const setup = classSetup({ roster, stack: "lab" });
      const snapshot = await gatherSignals({ clients: createSdkClients(ctx, SUB), subscriptionId: SUB });
      const plan = await buildClassPlan(setup, [snapshot], { prices: "bundled" });
      const deployer = new RecordingDeployer(path.join(dir, label, "engine"), ctx, SUB, 20);
      const budget = new ArmBudget(new ArmClient({ credential: ctx.credential, endpoint: server.url, maxConcurrency: 64 }), systemClock);
      const started = performance.now();
      const result = await classUp(
        { deployer, budget, blocklist: new BlocklistStore(path.join(dir, label, "blocklist.json")), labArm: (s) => new SdkLabArm(createSdkClients(ctx, s), { pollMs: 20 }) },
        {
          setup,
          plan,
          snapshots: new Map([[SUB, snapshot]]),
          shard: { shards: 1, shard: 1 },
          store: new ClassStateStore(path.join(dir, label, "state.json")),
          concurrency: learners,
          writesPerLab: 3,
          writeBucket: scaled,
          pollMs: 20,
        },
      );
      const seconds = (performance.now() - started) / 1000 / TIME_SCALE;
      // Each resource is PUT once; a PUT sent again is one that was refused with 429 and retried.
      const puts = server.requests().filter((r) => r.method === "PUT");
      const writes = new Set(puts.map((r) => r.path.toLowerCase())).size;
      return { seconds, ready: result.counts.ready, writes, refused: puts.length - writes };
    } finally {
      await server.stop();
    }
  };

  const alone = await deployClass(1, "one-lab");
  const full = await deployClass(LEARNERS, "class");
  const writesPerLab = full.writes / LEARNERS;
  const bound = Math.max(0, (full.writes - WRITE_BUCKET.capacity) / WRITE_BUCKET.refillPerSecond) + alone.seconds;
  process.stdout.write(
    `class up of ${LEARNERS} learners, write bucket ${WRITE_BUCKET.capacity} burst / ${WRITE_BUCKET.refillPerSecond} per s (simulated; time scale ${TIME_SCALE}):\n` +
      `  one lab alone:         ${alone.seconds.toFixed(1)} s\n` +
      `  the class:             ${full.seconds.toFixed(1)} s, ${full.ready} ready, ${full.writes} ARM writes (${writesPerLab.toFixed(1)} per lab), ${full.refused} sent again after a 429\n` +
      `  write-budget bound:    ${bound.toFixed(1)} s  ((${full.writes} − ${WRITE_BUCKET.capacity}) / ${WRITE_BUCKET.refillPerSecond} + one lab)\n` +
      `  ratio to the bound:    ${(full.seconds / bound).toFixed(2)}× (goal ≤ 1.2×)\n`,
  );
}

async function main(): Promise<void> {
  await planTimes();
  await upAgainstBudget();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
