import * as fs from "node:fs";
import * as path from "node:path";
import type { CatalogMode } from "../../src/config/lab-config";
import { logFixtureModel, MODEL_CACHE_SCRIPT, modelCacheDir, runSummaryScript, tempDir, type FixtureModelKind, type ScorerModel } from "./mlflow";
import { labNotebook, runLabNotebook } from "./notebook/lab-notebook";
import { LAB_SAMPLE, LAB_SAMPLE_FILE, labPenguinsBytes } from "./penguins";
import { pythonEnv } from "./python-env";
import { PYTHON_ENVS, type PythonEnvName } from "./python-envs";

/**
 * The models the ACI scorer tests serve, each registered on a tracking server by the MLflow that would log
 * it: the lab notebook's own Spark pipeline, run through the notebook harness on each runtime's venv, and
 * the fixture models of scorer_models.py.
 */

/**
 * The lab notebook on the two runtimes the lab supports: Databricks Runtime 16.4 LTS ML (MLflow 2.21,
 * Spark 3.5) rendered for Unity Catalog, what new accounts get, and 17.3 LTS ML (MLflow 3.0, Spark 4.0)
 * rendered for the legacy workspace registry, so both renderings' models pass through the scorer.
 */
const LAB_NOTEBOOK_MODELS = {
  spark: { venv: "notebook-dbr16", mode: "unity" },
  spark4: { venv: "notebook-dbr17", mode: "legacy" },
} as const satisfies Record<string, { venv: PythonEnvName; mode: CatalogMode }>;

export type LabNotebookModelKind = keyof typeof LAB_NOTEBOOK_MODELS;
export type ScorerModelKind = LabNotebookModelKind | FixtureModelKind;
export const SCORER_MODEL_KINDS: ScorerModelKind[] = ["spark", "spark4", "sklearn2", "sklearn3", "pyfunc"];

const RUN_NOTEBOOK_SCRIPT = path.join(__dirname, "notebook", "run_notebook.py");

/**
 * Logs and registers a model of `kind` on the tracking server at `trackingUri`; `dataFile` is a copy of the
 * lab's penguins.csv (the notebook reads the lab's file where the stack puts it).
 */
export function logScorerModel(kind: ScorerModelKind, trackingUri: string, dataFile: string): Promise<ScorerModel> {
  return kind === "spark" || kind === "spark4" ? logLabNotebookModel(kind, trackingUri) : logFixtureModel(kind, trackingUri, dataFile);
}

/**
 * The model the lab notebook registers, with what it predicts for the sample rows when loaded back in the
 * notebook's own process. Kept between runs by model_cache.py under a hash of the rendered notebook, the
 * harness, the runtime's constraints and the data: a later run registers the kept folder (the bytes the
 * notebook registered) again with the runtime's MLflow instead of running Spark for two trainings.
 */
async function logLabNotebookModel(kind: LabNotebookModelKind, trackingUri: string): Promise<ScorerModel> {
  const { venv, mode } = LAB_NOTEBOOK_MODELS[kind];
  const notebook = labNotebook(mode);
  const cache = modelCacheDir(kind, [
    notebook.source,
    fs.readFileSync(RUN_NOTEBOOK_SCRIPT),
    fs.readFileSync(MODEL_CACHE_SCRIPT),
    fs.readFileSync(PYTHON_ENVS[venv].constraintsFile),
    labPenguinsBytes(),
    fs.readFileSync(LAB_SAMPLE_FILE),
    mode,
  ]);
  const py = pythonEnv(venv);
  const env = py.env({ MLFLOW_TRACKING_URI: trackingUri });
  const work = tempDir(`lab-model-${kind}`);
  const out = path.join(work, "summary.json");
  if (fs.existsSync(path.join(cache, "summary.json"))) {
    const args = [MODEL_CACHE_SCRIPT, "register", "--cache", cache, "--name", notebook.layout.modelName, "--experiment", mode, "--out", out];
    return runSummaryScript<ScorerModel>(py.python, args, env, work, out, `model_cache.py register (${kind})`);
  }
  const { summary } = await runLabNotebook({ venv, modes: [mode], trackingUri, work, predict: LAB_SAMPLE_FILE }).catch((error: unknown) => {
    fs.rmSync(work, { recursive: true, force: true });
    throw error;
  });
  const run = summary.runs[mode]!;
  if (!run.registered || !run.predictions) throw new Error(`the lab notebook (${mode}, ${venv}) registered no model`);
  const model: ScorerModel = {
    name: run.registered.name,
    version: run.registered.version,
    model_uri: `models:/${run.registered.name}/${run.registered.version}`,
    mlflow_version: summary.mlflowVersion,
    columns: LAB_SAMPLE.columns,
    rows: LAB_SAMPLE.rows,
    expected: run.predictions,
  };
  fs.writeFileSync(out, JSON.stringify(model));
  const args = [MODEL_CACHE_SCRIPT, "store", "--cache", cache, "--model-uri", model.model_uri, "--summary", out];
  await runSummaryScript<ScorerModel>(py.python, args, env, work, out, `model_cache.py store (${kind})`);
  return model;
}
