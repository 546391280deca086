import { spawn } from "node:child_process";
import * as path from "node:path";
import Table from "cli-table3";
import { PRESET_STACKS, projectRoot } from "../src/config/stack-settings";

/**
 * Wall time and peak memory of `mlflow-lab plan --json` for each preset stack, each run in its own
 * process as a user would start it (tsx compiling the sources included). Peak memory is the child's RSS
 * high-water mark (process.resourceUsage().maxRSS), written by the child itself when it exits.
 *
 *   npm run bench:plan            # 5 runs per stack
 *   npm run bench:plan -- 10      # 10 runs per stack
 */
const runs = Number(process.argv[2] ?? 5);
const root = projectRoot();
const cli = path.join(root, "scripts", "mlflow-lab");

interface Sample {
  wallMs: number;
  maxRssKb: number;
  resources: number;
  jsonBytes: number;
}

/** Starts the CLI in a child that reports its own peak RSS on fd 3 as it exits. */
function planOnce(stack: string): Promise<Sample> {
  const bootstrap = [
    `process.on("exit", () => require("node:fs").writeSync(3, String(process.resourceUsage().maxRSS)));`,
    `process.argv = [process.execPath, ${JSON.stringify(cli)}, "plan", "--stack", ${JSON.stringify(stack)}, "--json"];`,
    `require(${JSON.stringify(cli)});`,
  ].join("\n");
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ["-e", bootstrap], { cwd: root, stdio: ["ignore", "pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let rss = "";
    child.stdout!.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr!.on("data", (chunk: Buffer) => err.push(chunk));
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => (rss += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`plan --stack ${stack} exited ${code}: ${Buffer.concat(err).toString().trim()}`));
      const json = Buffer.concat(out);
      resolve({ wallMs, maxRssKb: Number(rss), resources: JSON.parse(json.toString()).resources.length, jsonBytes: json.length });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const table = new Table({
    head: ["stack", "runs", "wall median (ms)", "wall min–max (ms)", "peak RSS median (MB)", "peak RSS max (MB)", "resources", "JSON bytes"],
    style: { head: [], border: [] },
  });
  for (const stack of PRESET_STACKS) {
    const samples: Sample[] = [];
    // Sequential on purpose: parallel runs would compete for the CPU and inflate each other's time.
    for (let i = 0; i < runs; i++) samples.push(await planOnce(stack));
    const walls = samples.map((s) => s.wallMs);
    const rss = samples.map((s) => s.maxRssKb / 1024);
    table.push([
      stack,
      runs,
      median(walls).toFixed(0),
      `${Math.min(...walls).toFixed(0)}–${Math.max(...walls).toFixed(0)}`,
      median(rss).toFixed(1),
      Math.max(...rss).toFixed(1),
      samples[0].resources,
      samples[0].jsonBytes,
    ]);
  }
  process.stdout.write(`mlflow-lab plan --json, one process per run, node ${process.version}\n${table.toString()}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
