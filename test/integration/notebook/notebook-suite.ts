import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogMode } from "../../../src/config/lab-config";
import type { LabDataLayout } from "../../../src/lab/databricks/lab-data";
import { parseMlmodel } from "../../../src/models/mlmodel";
import { resolveModelSource, type ResolvedModel } from "../../../src/models/sources";
import { runCli as cli } from "../../support/cli-output";
import { startMlflowServer, startModelServer, tempDir, type MlflowServer } from "../../support/mlflow";
import type { RunningService } from "../../support/mlflow/process";
import type { NotebookSummary } from "../../support/notebook";
import { LAB_SUFFIX as SUFFIX, runLabNotebook } from "../../support/notebook/lab-notebook";
import { LAB_GENTOO_ROW, LAB_SAMPLE, LAB_SAMPLE_FILE } from "../../support/penguins";
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
// The lab's row: a Gentoo (species 1).
const LAB_ROW = `${LAB_SAMPLE.columns.join(",")}\n${LAB_GENTOO_ROW.join(",")}\n`;

async function mlflowRest<T>(server: MlflowServer, method: "GET" | "POST", route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}/api/2.0/mlflow/${route}`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
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
    let layouts: Map<CatalogMode, LabDataLayout>;
    const models = new Map<CatalogMode, ResolvedModel>();
    const servers = new Map<CatalogMode, RunningService>();

    beforeAll(async () => {
      work = tempDir(`notebook-${venv}`);
      tracking = await startMlflowServer(venv);
      const ran = await runLabNotebook({ venv, modes: MODES, trackingUri: tracking.url, work, predict: LAB_SAMPLE_FILE });
      summary = ran.summary;
      layouts = new Map(MODES.map((mode) => [mode, ran.notebooks.get(mode)!.layout]));
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

    it.each(MODES)("%s: loaded back in the notebook's process, the registered model names each sample row's species, as the served model does", async (mode) => {
      // One row of each species from the lab's data (test/support/lab-sample.json): what the ACI scorer
      // tests expect this model to answer through the scorer.
      expect(summary.runs[mode]!.predictions).toEqual(LAB_SAMPLE.species);
      const data = path.join(work, `sample-${mode}.csv`);
      fs.writeFileSync(data, `${LAB_SAMPLE.columns.join(",")}\n${LAB_SAMPLE.rows.map((row) => row.join(",")).join("\n")}\n`);
      const result = await cli(["score", "--url", servers.get(mode)!.url, "--data", data, "--model", models.get(mode)!.dir, "--json"]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).predictions).toEqual(summary.runs[mode]!.predictions);
    });
  });
}
