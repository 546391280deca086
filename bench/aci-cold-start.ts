/**
 * bench:aci — the ACI scorer's cold start per model kind: the repository's start-scorer.sh run against a
 * local MLflow tracking server with an empty scorer root and empty uv and pip caches (what a new
 * container has), one kind at a time so the figures are not shared out between scorers. Prints, per
 * kind, each phase the script reports (uv, download environment, model download, serving environment)
 * and the model load (from "serving" to the first 200 on /ping), then a restart on the same root (what
 * the tests reuse), and an estimate for ACI with the image pull and the Java install added.
 * Figures only: no assertion (speed is not a test).
 *
 *   npm run bench:aci [-- --kinds spark,spark4,sklearn2,sklearn3,pyfunc] [--pull-mbps 25]
 *
 * This machine downloads from PyPI far faster than a container group will, so the bench also measures
 * what each kind downloads (the compressed distributions of every environment it builds, fetched again
 * with `pip download`) and adds its transfer time at --pypi-mbps (default 20 MB/s) for the ACI estimate.
 * The image pull cannot be measured here (no registry access): it is estimated from the images'
 * compressed sizes (python:3.12-slim-bookworm about 45 MB, caddy:2.11-alpine about 20 MB; pulled side
 * by side) at --pull-mbps (default 5 MB/s, extraction included). The Java install runs in the background
 * while the serving environment installs (start-scorer.sh), and this machine already has Java: its cost
 * is estimated from a timed download of the openjdk-17-jre-headless package from this machine's Debian
 * 12 mirror, times 2 for its dependencies and unpacking, and only what exceeds the serving environment's
 * install is added. Every assumption is printed next to the figure it feeds.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startScorer, writeScorerFiles } from "../test/support/aci-scorer";
import { startMlflowServer } from "../test/support/mlflow";
import { copyLabPenguins } from "../test/support/penguins";
import { ensurePythonEnv } from "../test/support/python-env";
import { PYTHON_ENVS } from "../test/support/python-envs";
import { logScorerModel, SCORER_MODEL_KINDS, type ScorerModelKind } from "../test/support/scorer-models";

const IMAGE_MB = { scorer: 45, proxy: 20 };

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** MB of compressed distributions the scorer's environments under `root` are made of. */
function downloadMb(root: string, work: string): number {
  const uv = fs.readdirSync(root).filter((d) => d.startsWith("tools-")).map((d) => path.join(root, d, "bin", "uv"))[0];
  const dest = fs.mkdtempSync(path.join(work, "dists-"));
  for (const env of fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, ".ready")))) {
    const python = path.join(root, env, "bin", "python");
    const frozen = env.startsWith("tools-")
      ? spawnSync(python, ["-m", "pip", "freeze", "--all"], { encoding: "utf8" }).stdout
      : spawnSync(uv!, ["pip", "freeze", "--python", python], { encoding: "utf8" }).stdout;
    const list = path.join(dest, `${env}.txt`);
    fs.writeFileSync(list, frozen.split("\n").filter((l) => /==/.test(l)).join("\n"));
    spawnSync("python3", ["-m", "pip", "download", "--quiet", "--no-deps", "--no-cache-dir", "-d", dest, "-r", list], { encoding: "utf8" });
  }
  const mb = fs.readdirSync(dest).filter((f) => !f.endsWith(".txt")).reduce((sum, f) => sum + fs.statSync(path.join(dest, f)).size, 0) / 1e6;
  fs.rmSync(dest, { recursive: true, force: true });
  return mb;
}

function phases(log: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const m of log.matchAll(/scorer: phase (\S+) (\d+) s/g)) found[m[1]!] = Number(m[2]);
  return found;
}

/** Seconds to download the JRE package from the Debian mirror, and its size; undefined without apt. */
function javaDownload(dir: string): { seconds: number; mb: number } | undefined {
  const started = performance.now();
  const run = spawnSync("apt-get", ["download", "-qq", "openjdk-17-jre-headless"], { cwd: dir, encoding: "utf8" });
  if (run.status !== 0) return undefined;
  const deb = fs.readdirSync(dir).find((f) => f.endsWith(".deb"));
  if (!deb) return undefined;
  return { seconds: (performance.now() - started) / 1000, mb: fs.statSync(path.join(dir, deb)).size / 1e6 };
}

async function main(): Promise<void> {
  const kinds = (option("kinds")?.split(",") as ScorerModelKind[] | undefined) ?? SCORER_MODEL_KINDS;
  const pullMbps = Number(option("pull-mbps") ?? 5);
  const pypiMbps = Number(option("pypi-mbps") ?? 20);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-aci-"));
  for (const spec of Object.values(PYTHON_ENVS)) await ensurePythonEnv(spec, (line) => process.stderr.write(`${line}\n`));
  const files = writeScorerFiles(path.join(work, "files"));
  const penguins = copyLabPenguins(work);
  const tracking = await startMlflowServer();
  const rows: string[][] = [];
  const downloads = new Map<ScorerModelKind, number>();
  try {
    for (const kind of kinds) {
      const model = await logScorerModel(kind, tracking.url, penguins);
      const root = path.join(work, `root-${kind}`);
      const caches = { UV_CACHE_DIR: path.join(work, `uv-cache-${kind}`), PIP_NO_CACHE_DIR: "1" };
      const runs: Array<{ label: string; total: number; log: string }> = [];
      for (const label of ["cold", "restart"]) {
        const logFile = path.join(work, `${kind}-${label}.log`);
        const started = performance.now();
        const scorer = await startScorer({ files, root, modelUri: model.model_uri, trackingUri: tracking.url, logFile, env: { ...caches, SCORER_MODEL_DIR: path.join(work, `model-${kind}`) } });
        const total = (performance.now() - started) / 1000;
        await scorer.stop();
        runs.push({ label, total, log: fs.readFileSync(logFile, "utf8") });
      }
      downloads.set(kind, downloadMb(root, work));
      for (const run of runs) {
        const p = phases(run.log);
        const installs = (p.tools ?? 0) + (p["fetch-env"] ?? 0) + (p.download ?? 0) + (p["serve-env"] ?? 0);
        rows.push([kind, run.label, `${model.mlflow_version}`, ...["tools", "fetch-env", "download", "serve-env"].map((k) => String(p[k] ?? "?")), (run.total - installs).toFixed(0), run.total.toFixed(0)]);
      }
    }
  } finally {
    await tracking.stop();
  }

  const head = ["kind", "start", "logged by", "uv s", "fetch env s", "download s", "serve env s", "load s", "ready s"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  process.stdout.write(`ACI scorer recipe, install + load per model kind (this machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB)\n`);
  process.stdout.write(`${line(head)}\n${rows.map(line).join("\n")}\n`);

  const java = javaDownload(fs.mkdtempSync(path.join(work, "apt-")));
  const pull = Math.max(IMAGE_MB.scorer, IMAGE_MB.proxy) / pullMbps;
  const javaSeconds = java ? java.seconds * 2 : undefined;
  process.stdout.write(`\nimage pull (assumed, not measured): ${pull.toFixed(0)} s = ${IMAGE_MB.scorer} MB python:3.12-slim-bookworm at ${pullMbps} MB/s with extraction (caddy, ${IMAGE_MB.proxy} MB, in parallel)\n`);
  process.stdout.write(
    java
      ? `Java (estimate): ${java.mb.toFixed(0)} MB openjdk-17-jre-headless downloaded in ${java.seconds.toFixed(1)} s here; x2 for its dependencies and unpacking = ${javaSeconds!.toFixed(0)} s, in parallel with the serving environment\n`
      : "Java: apt-get download failed here; not estimated\n",
  );
  process.stdout.write(`\nACI estimate per kind (cold start after the group is created; PyPI at ${pypiMbps} MB/s assumed):\n`);
  for (const row of rows.filter((r) => r[1] === "cold")) {
    const kind = row[0] as ScorerModelKind;
    const mb = downloads.get(kind) ?? 0;
    const transfer = mb / pypiMbps;
    const serveEnv = Number(row[6]) + transfer;
    const spark = kind === "spark" || kind === "spark4";
    const javaExtra = spark && javaSeconds !== undefined ? Math.max(0, javaSeconds * 5 - serveEnv) : 0;
    const total = pull + Number(row[8]) + transfer + javaExtra;
    process.stdout.write(`  ${kind.padEnd(9)} pull ${pull.toFixed(0)} + ready here ${row[8]} + ${mb.toFixed(0)} MB of packages ${transfer.toFixed(0)} s${spark ? ` + Java beyond the install ${javaExtra.toFixed(0)} s (Debian mirror assumed 5x slower than here)` : ""} = ${total.toFixed(0)} s\n`);
  }
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error) => {
  process.stderr.write(`bench:aci failed: ${(error as Error).message}\n`);
  process.exit(1);
});
