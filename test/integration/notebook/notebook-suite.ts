import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main";
import { LAB_DATASET_SHA256, parseLabConfig, type CatalogMode } from "../../../src/config/lab-config";
import { labDataLayout, type LabDataLayout } from "../../../src/lab/databricks/lab-data";
import { notebookParameters, readNotebookSource, renderNotebook } from "../../../src/lab/databricks/notebook";
import { labNames } from "../../../src/lab/naming";
import { parseMlmodel } from "../../../src/models/mlmodel";
import { resolveModelSource, type ResolvedModel } from "../../../src/models/sources";
import { startMlflowServer, startModelServer, tempDir, type MlflowServer } from "../../support/mlflow";
import type { RunningService } from "../../support/mlflow/process";
import { runNotebooks, type NotebookSummary } from "../../support/notebook";
import type { PythonEnvName } from "../../support/python-envs";

/**
 * The lab notebook executed for real, as the stack deploys it in each catalog mode (the source with the
 * parameter line the stack writes), on local Spark with a notebook runtime's PySpark and MLflow, logging
 * to and registering in a local MLflow tracking server from the same venv. Then the registered model is
 * served with `mlflow models serve` from that venv and scored through the real `mlflow-lab score`.
 *
 * The dataset is the lab's own file (never committed): MLFLOW_LAB_PENGUINS_CSV, else the development copy
 * at /work/shared/data/penguins.csv, checked against the sha256 the stack checks.
 */
const MODES: CatalogMode[] = ["unity", "legacy"];
const SUFFIX = "abc1234";
// The lab's row: a Gentoo (species 1).
const LAB_ROW = "Island,CulmenLength,CulmenDepth,FlipperLength,BodyMass\nBiscoe,48.7,14.1,210,4450\n";

function penguinsCsv(): Buffer {
  const file = process.env.MLFLOW_LAB_PENGUINS_CSV ?? "/work/shared/data/penguins.csv";
  if (!fs.existsSync(file)) throw new Error(`the lab dataset is not at ${file}; set MLFLOW_LAB_PENGUINS_CSV to a copy of the lab's penguins.csv`);
  const bytes = fs.readFileSync(file);
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== LAB_DATASET_SHA256) throw new Error(`${file} has sha256 ${sha}, not the lab dataset's ${LAB_DATASET_SHA256}`);
  return bytes;
}

/** Where the harness maps a Databricks path: /Volumes/… as is, DBFS root paths under dbfs/. */
function localDataPath(dataRoot: string, dataPath: string): string {
  return dataPath.startsWith("/Volumes/") ? path.join(dataRoot, dataPath) : path.join(dataRoot, "dbfs", dataPath);
}

async function mlflowRest<T>(server: MlflowServer, method: "GET" | "POST", route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}/api/2.0/mlflow/${route}`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
}

interface RunData {
  info: { run_id: string };
  data: { params?: Array<{ key: string; value: string }>; metrics?: Array<{ key: string; value: number }> };
}

export function notebookSuite(runtime: string, venv: PythonEnvName, expectedMlflowMajor: number): void {
  describe(`the lab notebook on ${runtime} equivalents`, () => {
    let work: string;
    let tracking: MlflowServer;
    let summary: NotebookSummary;
    const layouts = new Map<CatalogMode, LabDataLayout>();
    const models = new Map<CatalogMode, ResolvedModel>();
    const servers = new Map<CatalogMode, RunningService>();

    beforeAll(async () => {
      work = tempDir(`notebook-${venv}`);
      const dataRoot = path.join(work, "data");
      const csv = penguinsCsv();
      tracking = await startMlflowServer(venv);
      const names = labNames(SUFFIX);
      const runs = MODES.map((mode) => {
        // The notebook exactly as the stack renders it for this mode.
        const config = parseLabConfig({ owner: "learner@example.com", suffix: SUFFIX, catalogMode: mode });
        const layout = labDataLayout(config, names);
        layouts.set(mode, layout);
        const file = path.join(work, `MLflow-${mode}.py`);
        fs.writeFileSync(file, renderNotebook(readNotebookSource(), notebookParameters(layout)));
        const local = localDataPath(dataRoot, layout.dataPath);
        fs.mkdirSync(path.dirname(local), { recursive: true });
        fs.writeFileSync(local, csv);
        // The registry the stack names (databricks-uc, databricks) is Databricks': here the local server.
        return { name: mode, file, widgets: { registry_uri: tracking.url } };
      });
      summary = await runNotebooks({ venv, runs, dataRoot, trackingUri: tracking.url, work });
      for (const mode of MODES) {
        const registered = summary.runs[mode]!.registered!;
        models.set(mode, await resolveModelSource(`models:/${registered.name}/${registered.version}`, { trackingUri: tracking.url, env: {} }));
      }
      // Both models served side by side: each `mlflow models serve` starts its own Spark.
      const started = await Promise.all(
        MODES.map((mode) => startModelServer(`models:/${summary.runs[mode]!.registered!.name}/1`, tracking.url, venv)),
      );
      MODES.forEach((mode, i) => servers.set(mode, started[i]!));
      process.stderr.write(
        `[notebook ${runtime}] Spark start ${summary.sparkStartSeconds} s; ${MODES.map((m) => `${m} ${summary.runs[m]!.seconds} s`).join(", ")}; harness ${summary.wallSeconds.toFixed(0)} s\n`,
      );
    }, 900_000);

    afterAll(async () => {
      await Promise.all([...servers.values()].map((s) => s.stop()));
      await Promise.all([...models.values()].map((m) => m.cleanup()));
      await tracking?.stop();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it.each(MODES)("%s: reads the data from the path the stack gives it: 342 complete rows", (mode) => {
      expect(summary.runs[mode]!.rows).toBe(342);
      expect(summary.runs[mode]!.cells).toBe(5);
    });

    it.each(MODES)("%s: two runs, each with its params and the three metrics", async (mode) => {
      const { experiment } = await mlflowRest<{ experiment: { experiment_id: string } }>(tracking, "GET", `experiments/get-by-name?experiment_name=${mode}`);
      const { runs } = await mlflowRest<{ runs: RunData[] }>(tracking, "POST", "runs/search", { experiment_ids: [experiment.experiment_id] });
      expect(runs).toHaveLength(2);
      const byParams = runs
        .map((run) => ({
          params: Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value])),
          metrics: Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m.value])),
        }))
        .sort((a, b) => Number(a.params.maxIter) - Number(b.params.maxIter));
      expect(byParams.map((r) => r.params)).toEqual([
        { maxIter: "5", regParam: "0.5" },
        { maxIter: "10", regParam: "0.2" },
      ]);
      for (const run of byParams) {
        expect(Object.keys(run.metrics).sort()).toEqual(["accuracy", "weightedPrecision", "weightedRecall"]);
        for (const value of Object.values(run.metrics)) expect(value).toBeGreaterThan(0.5);
      }
    });

    it.each(MODES)("%s: registers the model under the name the serving endpoint serves, with a signature", async (mode) => {
      const layout = layouts.get(mode)!;
      expect(summary.runs[mode]!.registered).toEqual({ name: layout.modelName, version: "1" });
      expect(layout.modelName).toBe(mode === "unity" ? `databricks-${SUFFIX}.mlflow_lab.penguin_predictor` : "Penguin Predictor");
      const { model_version: version } = await mlflowRest<{ model_version: { run_id: string } }>(
        tracking,
        "GET",
        `model-versions/get?name=${encodeURIComponent(layout.modelName)}&version=1`,
      );
      // The better run (maxIter 10) is the one registered.
      expect(version.run_id).toBe(summary.runs[mode]!.runs[1]![0]);
      const mlmodel = parseMlmodel(fs.readFileSync(path.join(models.get(mode)!.dir, "MLmodel"), "utf8"));
      expect(Object.keys(mlmodel.flavors).sort()).toEqual(["python_function", "spark"]);
      expect(Number(mlmodel.mlflowVersion?.split(".")[0])).toBe(expectedMlflowMajor);
      expect(mlmodel.signature?.inputs).toMatchObject({
        kind: "columns",
        columns: ["Island", "CulmenLength", "CulmenDepth", "FlipperLength", "BodyMass"].map((name) => expect.objectContaining({ name })),
      });
      expect(mlmodel.signature?.outputs).toMatchObject({ kind: "columns", columns: [expect.objectContaining({ name: "prediction" })] });
    });

    it.each(MODES)("%s: the served model predicts Gentoo (1) for the lab's row through mlflow-lab score", async (mode) => {
      const data = path.join(work, `row-${mode}.csv`);
      fs.writeFileSync(data, LAB_ROW);
      const result = await cli(["score", "--url", servers.get(mode)!.url, "--data", data, "--model", models.get(mode)!.dir, "--json"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const out = JSON.parse(result.stdout);
      expect(out.predictions).toEqual([1]);
      expect(out.rows[0]).toMatchObject({ input: { Island: "Biscoe", CulmenLength: 48.7 }, prediction: { prediction: 1 } });
    });
  });
}
