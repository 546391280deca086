/**
 * bench:push — push-model of a generated 1 GiB MLflow model to Azurite (the workspace datastore) with
 * the ARM test server as the Azure ML control plane, against a raw single-stream upload of the same
 * bytes with the Azure SDK in the same run. Prints MB/s for both, their ratio, and the time and bytes of
 * an unchanged re-push. Figures only: no assertion (speed is not a test).
 *
 *   npm run bench:push [-- --mib 1024] [--disk]   (Azurite in memory by default, --disk for a folder)
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { pushModel } from "../src/models/push/push-model";
import { startPushWorkspace, WORKSPACE } from "../test/integration/push/workspace-fixture";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function generateModel(root: string, totalMiB: number): string {
  const dir = path.join(root, "big_model");
  fs.mkdirSync(path.join(dir, "data"), { recursive: true });
  fs.writeFileSync(path.join(dir, "MLmodel"), "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n    python_version: 3.11.7\nmlflow_version: 3.17.2\n");
  fs.writeFileSync(path.join(dir, "requirements.txt"), "mlflow==3.17.2\n");
  // One large weights file plus a few shards, as big models are stored; random bytes (no compression effects).
  const shards = [Math.round(totalMiB * 0.75), ...Array.from({ length: 4 }, () => Math.round(totalMiB * 0.0625))];
  const chunk = randomBytes(16 << 20);
  shards.forEach((mib, i) => {
    const fd = fs.openSync(path.join(dir, "data", i === 0 ? "weights.bin" : `shard-${i}.bin`), "w");
    for (let written = 0; written < mib << 20; written += chunk.length) {
      chunk.writeUInt32LE(written ^ (i << 24), 0); // keep chunks distinct
      fs.writeSync(fd, chunk, 0, Math.min(chunk.length, (mib << 20) - written));
    }
    fs.closeSync(fd);
  });
  return dir;
}

function totalBytes(dir: string): number {
  let sum = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) if (entry.isFile()) sum += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  return sum;
}

async function main(): Promise<void> {
  const mib = arg("mib", 1024);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bench-push-"));
  process.stderr.write(`generating a ${mib} MiB model...\n`);
  const dir = generateModel(root, mib);
  const bytes = totalBytes(dir);
  const persistence = process.argv.includes("--disk") ? "disk" : "memory";
  const ws = await startPushWorkspace({ persistence });
  try {
    const mb = bytes / 1e6;

    // Raw: every file with one single-stream SDK upload each (concurrency 1), same bytes, same Azurite.
    const rawStart = performance.now();
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      await ws.container.getBlockBlobClient(`raw/${path.relative(dir, file)}`).uploadFile(file, { concurrency: 1, blockSize: 8 << 20 });
    }
    const rawSeconds = (performance.now() - rawStart) / 1000;

    const stages: Record<string, number> = {};
    const pushStart = performance.now();
    const first = await pushModel({
      source: dir,
      name: "bench-model",
      workspace: WORKSPACE,
      arm: ws.client,
      onStage: (stage) => (stages[stage] = performance.now()),
      ...(process.env.BENCH_CONCURRENCY ? { uploadConcurrency: Number(process.env.BENCH_CONCURRENCY) } : {}),
      ...(process.env.BENCH_BLOCK_MIB ? { blockSize: Number(process.env.BENCH_BLOCK_MIB) << 20 } : {}),
    });
    const pushSeconds = (performance.now() - pushStart) / 1000;
    const hashSeconds = ((stages.upload ?? stages.register ?? pushStart) - (stages.hash ?? pushStart)) / 1000;

    const againStart = performance.now();
    const again = await pushModel({ source: dir, name: "bench-model", workspace: WORKSPACE, arm: ws.client });
    const againSeconds = (performance.now() - againStart) / 1000;

    const rows: Array<[string, string]> = [
      ["model", `${(bytes / 2 ** 20).toFixed(0)} MiB in ${first.files} files (Azurite ${persistence})`],
      ["raw single-stream SDK upload", `${rawSeconds.toFixed(2)} s  ${(mb / rawSeconds).toFixed(1)} MB/s`],
      ["push-model (hash + upload + register)", `${pushSeconds.toFixed(2)} s  ${(mb / pushSeconds).toFixed(1)} MB/s  (hash ${hashSeconds.toFixed(2)} s, uploaded ${(first.uploadedBytes / 1e6).toFixed(1)} MB)`],
      ["ratio push-model / raw", `${(rawSeconds / pushSeconds).toFixed(2)}x`],
      ["unchanged re-push", `${againSeconds.toFixed(2)} s, ${again.uploadedBytes} bytes uploaded (${again.status}, version ${again.version})`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
  } finally {
    await ws.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:push failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
