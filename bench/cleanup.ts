/**
 * bench/cleanup.ts — 1,000 expired lab groups in the ARM test server with ARM's token buckets (deletes:
 * 200 burst, 10/s refill; reads: 250 burst, 25/s) and resource-group delete operations of 30–90 s,
 * with time scaled down by a factor. Measures:
 *   - the toolkit (`runCleanup`, --yes): discovery, ARM re-read of every group, paced concurrent deletes,
 *     polling, 404 verification;
 *   - a sequential baseline: for each group, DELETE then poll until done, one group at a time (measured
 *     on a sample of groups and extrapolated, because the full run would take about a simulated day).
 * Lower bounds, from the server's own record of when each delete started and how long it lasted:
 *   - send-order bound: the k-th delete cannot be sent before the bucket allows (k ≤ 200: at once,
 *     then one per 100 ms) and takes its own duration; max over k of (slot_k + duration_k);
 *   - best-order bound: the same with the longest deletes sent first (a client that knew durations).
 * Times are simulated seconds (real seconds ÷ time scale). Figures only; nothing is asserted.
 *
 *   npm run bench:cleanup   (or: npx tsx bench/cleanup.ts [--groups 1000] [--time-scale 0.2] [--baseline-sample 12] [--baseline-time-scale 0.01])
 * At small time scales the test harness's own CPU time (client and server share this process) shows up
 * multiplied by 1 / time scale; 0.2 keeps it small against the simulated minutes.
 */
import { ArmClient } from "../src/azure/arm-client";
import { systemClock } from "../src/azure/clock";
import { StaticTokenCredential } from "../src/azure/credentials";
import { runCleanup } from "../src/cleanup/executor";
import { DEFAULT_PROTECTED_NAME_PATTERNS } from "../src/removal/name-patterns";
import { planDeleteSchedule } from "../src/azure/pacing";
import { startArmTestServer, type ArmTestServer, type InventoryInput } from "../test/support/arm-test-server";
import { trustTestCa } from "../test/support/tls";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const GROUPS = flag("groups", 1000);
const TIME_SCALE = flag("time-scale", 0.2);
const BASELINE_SAMPLE = flag("baseline-sample", 12);
/** The sequential baseline waits almost all the time, so it can run faster without distorting it. */
const BASELINE_TIME_SCALE = flag("baseline-time-scale", 0.01);
const SUB = "30000000-0000-4000-8000-0000000000c1";
const DELETE_BUCKET = { capacity: 200, refillPerSecond: 10 };
const READ_BUCKET = { capacity: 250, refillPerSecond: 25 };

function inventory(count: number): InventoryInput {
  return {
    locations: [{ name: "eastus", displayName: "East US" }],
    subscriptions: [
      {
        subscriptionId: SUB,
        displayName: "bench",
        resourceGroups: Array.from({ length: count }, (_, i) => ({
          name: `msl-b${String(i).padStart(5, "0")}`,
          location: "eastus",
          tags: { "managed-by": "azure-mlflow-lab", "lab-id": `msl-b${i}`, "lab-expires-at": "2026-01-01T00:00:00Z" },
        })),
      },
    ],
  };
}

async function server(count: number, timeScale = TIME_SCALE): Promise<ArmTestServer> {
  const s = await startArmTestServer({
    seed: inventory(count),
    timeScale,
    durations: { resourceGroupDelete: [30_000, 90_000] },
    throttle: { deletes: { burst: DELETE_BUCKET.capacity, refillPerSecond: DELETE_BUCKET.refillPerSecond }, reads: { burst: READ_BUCKET.capacity, refillPerSecond: READ_BUCKET.refillPerSecond } },
  });
  trustTestCa(s.caCertPem);
  return s;
}

const scaled = (b: { capacity: number; refillPerSecond: number }) => ({ capacity: b.capacity, refillPerSecond: b.refillPerSecond / TIME_SCALE });
const client = (s: ArmTestServer, timeScale = TIME_SCALE) =>
  new ArmClient({ credential: new StaticTokenCredential("bench"), endpoint: s.url, maxConcurrency: 128, retry: { baseDelayMs: 1000 * timeScale, maxDelayMs: 64_000 * timeScale } });

/** Both lower bounds from the delete operations the server ran (simulated ms). */
function lowerBounds(s: ArmTestServer, startSim: number): { sendOrder: number; bestOrder: number; slots: number } {
  const ops = s
    .operations()
    .filter((o) => o.kind === "resourceGroupDelete")
    .sort((a, b) => a.startedAt - b.startedAt);
  const slots = planDeleteSchedule(ops.length, DELETE_BUCKET);
  const durations = ops.map((o) => o.dueAt - o.startedAt);
  const sendOrder = Math.max(...durations.map((d, k) => slots[k] + d));
  if (process.env.BENCH_DEBUG) {
    const lastDue = Math.max(...ops.map((o) => o.dueAt)) - startSim;
    const firstStart = ops[0].startedAt - startSim;
    const lastStart = ops.at(-1)!.startedAt - startSim;
    process.stderr.write(`debug: first delete at ${(firstStart / 1000).toFixed(1)} s, last at ${(lastStart / 1000).toFixed(1)} s, last operation done at ${(lastDue / 1000).toFixed(1)} s\n`);
  }
  const longestFirst = [...durations].sort((a, b) => b - a);
  const bestOrder = Math.max(...longestFirst.map((d, k) => slots[k] + d));
  void startSim;
  return { sendOrder, bestOrder, slots: slots.at(-1) ?? 0 };
}

async function toolkitRun(): Promise<{ simSeconds: number; bounds: ReturnType<typeof lowerBounds>; counts: Record<string, number>; throttled: { reads: number; deletes: number }; requests: number }> {
  const s = await server(GROUPS);
  const startSim = s.now();
  const started = Date.now();
  const report = await runCleanup(
    { client: client(s), clock: systemClock },
    {
      subscriptions: [SUB],
      mode: "execute",
      graceMs: 3_600_000,
      max: GROUPS,
      protectedNamePatterns: DEFAULT_PROTECTED_NAME_PATTERNS,
      buckets: { reads: scaled(READ_BUCKET), deletes: scaled(DELETE_BUCKET), writes: scaled(DELETE_BUCKET) },
      wait: { defaultPollMs: 5_000 * TIME_SCALE, timeoutMs: 3_600_000 * TIME_SCALE, verifyAttempts: 10 },
    },
  );
  const simSeconds = (Date.now() - started) / 1000 / TIME_SCALE;
  const bounds = lowerBounds(s, startSim);
  const requests = s.requests().length;
  await s.stop();
  return { simSeconds, bounds, counts: report.counts, throttled: report.throttled, requests };
}

/** One group at a time: DELETE, then poll its operation until done (what a simple script does). */
async function baselineRun(): Promise<{ simSecondsPerGroup: number; measured: number }> {
  const s = await server(BASELINE_SAMPLE, BASELINE_TIME_SCALE);
  const c = client(s, BASELINE_TIME_SCALE);
  const started = Date.now();
  for (let i = 0; i < BASELINE_SAMPLE; i++) {
    const op = await c.beginOperation({ method: "DELETE", path: `/subscriptions/${SUB}/resourcegroups/msl-b${String(i).padStart(5, "0")}`, apiVersion: "2025-04-01" });
    await op.pollUntilDone();
  }
  const simSeconds = (Date.now() - started) / 1000 / BASELINE_TIME_SCALE;
  await s.stop();
  return { simSecondsPerGroup: simSeconds / BASELINE_SAMPLE, measured: BASELINE_SAMPLE };
}

async function main(): Promise<void> {
  process.stdout.write(`cleanup bench: ${GROUPS} expired groups, deletes 200 burst + 10/s, reads 250 + 25/s, delete operations 30–90 s, time scale ${TIME_SCALE}\n`);
  const toolkit = await toolkitRun();
  const baseline = await baselineRun();
  const baselineTotal = baseline.simSecondsPerGroup * GROUPS;
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const lines = [
    `toolkit:   ${toolkit.simSeconds.toFixed(1)} s simulated (${toolkit.counts.deleted} deleted, ${toolkit.counts.failed} failed, ${toolkit.throttled.deletes} delete 429s and ${toolkit.throttled.reads} read 429s absorbed, ${toolkit.requests} requests)`,
    `lower bound (bucket slots in the toolkit's send order + each delete's duration): ${s(toolkit.bounds.sendOrder)} s; last bucket slot at ${s(toolkit.bounds.slots)} s`,
    `ratio toolkit / lower bound: ${(toolkit.simSeconds / (toolkit.bounds.sendOrder / 1000)).toFixed(3)}  (target ≤ 1.15)`,
    `best-order bound (longest deletes first, needs to know durations in advance): ${s(toolkit.bounds.bestOrder)} s; ratio ${(toolkit.simSeconds / (toolkit.bounds.bestOrder / 1000)).toFixed(3)}`,
    `sequential delete-and-wait baseline: ${baselineTotal.toFixed(0)} s simulated (${baseline.simSecondsPerGroup.toFixed(1)} s per group, measured on ${baseline.measured} groups and extrapolated to ${GROUPS}); lower bound = sum of durations ≈ ${(GROUPS * 60).toFixed(0)} s`,
    `baseline / toolkit: ${(baselineTotal / toolkit.simSeconds).toFixed(1)}×`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
