import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { pythonEnv, venvRoot } from "../python-env";
import { PYTHON_ENVS, type PythonEnvName } from "../python-envs";
import { LAB_SAMPLE_FILE } from "../penguins";
import { startOnFreePort, type RunningService } from "./process";

/**
 * Real MLflow for integration tests: a tracking server with a model registry, `mlflow models serve`,
 * and the training script that logs real models. Nothing starts unless a test file asks.
 */

export { freePort } from "./process";

export interface MlflowServer extends RunningService {
  /** Directory holding the sqlite store and the artifact root. */
  root: string;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `mlflow-lab-${prefix}-`));
}

/**
 * `mlflow server` with a sqlite backend store and a local artifact root served through the
 * mlflow-artifacts proxy (clients never see the server's file paths), on a free port; from the MLflow
 * venv unless another (a notebook runtime's) is named.
 */
export async function startMlflowServer(venv: PythonEnvName = "mlflow"): Promise<MlflowServer> {
  const py = pythonEnv(venv);
  const root = tempDir("tracking");
  const service = await startOnFreePort((port) => ({
    name: "mlflow server",
    command: py.bin("mlflow"),
    args: [
      "server",
      "--backend-store-uri",
      `sqlite:///${path.join(root, "mlflow.db")}`,
      "--artifacts-destination",
      path.join(root, "artifacts"),
      "--serve-artifacts",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--workers",
      "1",
    ],
    // No background job runner (eight huey processes in MLflow 3.17, for GenAI jobs no test runs): the
    // machine has two cores.
    env: py.env({ MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false" }),
    cwd: root,
    port,
    readyUrl: `http://127.0.0.1:${port}/health`,
    logFile: path.join(root, "server.log"),
    timeoutMs: 120_000,
  }));
  return {
    ...service,
    root,
    stop: async () => {
      await service.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** `mlflow models serve -m <uri> --env-manager local` (the course's local serving) on a free port. */
export async function startModelServer(modelUri: string, trackingUri?: string, venv: PythonEnvName = "mlflow"): Promise<RunningService> {
  const py = pythonEnv(venv);
  const dir = tempDir("serve");
  const service = await startOnFreePort((port) => ({
    name: "mlflow models serve",
    command: py.bin("mlflow"),
    args: ["models", "serve", "-m", modelUri, "--env-manager", "local", "--host", "127.0.0.1", "--port", String(port)],
    env: py.env(trackingUri ? { MLFLOW_TRACKING_URI: trackingUri } : {}),
    cwd: dir,
    port,
    readyUrl: `http://127.0.0.1:${port}/ping`,
    logFile: path.join(dir, "serve.log"),
    timeoutMs: 120_000,
  }));
  return {
    ...service,
    stop: async () => {
      await service.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TrainedModels {
  rows: number;
  penguin: {
    /** Model files as plain run artifacts under model/ (what MLflow 2.x wrote). */
    v2_layout: { run_id: string; path: string; accuracy: number };
    /** log_model(name=...): a logged model m-<id>. */
    v3_name: { run_id: string; path: string; model_id: string; model_uri: string; accuracy: number };
    /** log_model(artifact_path=...) under MLflow 3. */
    artifact_path: { run_id: string; path: string; model_id: string; accuracy: number };
  };
  churn: { run_id: string; path: string; model_id: string };
  registry?: { penguin_versions: string[]; champion: string; production: string; churn_version: string };
}

/**
 * Runs test/support/mlflow/train_models.py against a tracking URI (an MLflow server URL or a
 * `file:` mlruns store) and returns what it logged.
 */
export function trainModels(trackingUri: string, options: { registry?: boolean } = {}): Promise<TrainedModels> {
  const py = pythonEnv();
  const work = tempDir("train");
  const summary = path.join(work, "summary.json");
  const args = [path.join(__dirname, "train_models.py"), "--tracking-uri", trackingUri, "--work", work, "--summary", summary];
  if (options.registry) args.push("--registry");
  // The file store is in maintenance mode in MLflow 3; the course's mlruns folders still exist.
  return runSummaryScript<TrainedModels>(py.python, args, py.env({ MLFLOW_ALLOW_FILE_STORE: "true" }), work, summary, "train_models.py");
}

/** A model registered for the ACI scorer tests, with the rows to score and what it answers for them. */
export interface ScorerModel {
  name: string;
  version: string;
  /** models:/<name>/<version> on the tracking server. */
  model_uri: string;
  /** The MLflow that logged it. */
  mlflow_version: string;
  columns: string[];
  rows: unknown[][];
  /** What the model predicts for `rows` in the process that logged it. */
  expected: number[];
}

/** Models test/support/mlflow/scorer_models.py logs (the lab notebook logs the Spark one: test/support/scorer-models.ts). */
export type FixtureModelKind = "sklearn2" | "sklearn3" | "pyfunc";

/**
 * The venv that logs each kind: the MLflow 2 model with Databricks Runtime 16.4 LTS ML's MLflow 2.21 and
 * scikit-learn (the notebook-dbr16 venv), the MLflow 3 ones with MLflow 3.17.
 */
const FIXTURE_MODEL_ENV: Record<FixtureModelKind, PythonEnvName> = { sklearn2: "notebook-dbr16", sklearn3: "mlflow", pyfunc: "mlflow" };

/** model_cache.py: keeps a logged model between runs and registers it again. */
export const MODEL_CACHE_SCRIPT = path.join(__dirname, "model_cache.py");

/**
 * Where a logged model is kept between runs (model_cache.py): a folder next to the venvs named after a
 * hash of everything the model depends on, so a change to any of them logs it afresh.
 */
export function modelCacheDir(label: string, dependsOn: Array<string | Buffer>): string {
  const hash = createHash("sha256");
  for (const part of dependsOn) hash.update(part).update("\0");
  const root = path.join(path.dirname(venvRoot()), "scorer-models");
  fs.mkdirSync(root, { recursive: true });
  return path.join(root, `${label}-${hash.digest("hex").slice(0, 16)}`);
}

/**
 * Runs test/support/mlflow/scorer_models.py: logs and registers one model of `kind` on the tracking
 * server, trained on the lab's penguins.csv (a copy at `dataFile`), with its predictions for the rows of
 * test/support/lab-sample.json.
 */
export function logFixtureModel(kind: FixtureModelKind, trackingUri: string, dataFile: string): Promise<ScorerModel> {
  const venv = FIXTURE_MODEL_ENV[kind];
  const py = pythonEnv(venv);
  const work = tempDir(`scorer-${kind}`);
  const summary = path.join(work, "summary.json");
  const script = path.join(__dirname, "scorer_models.py");
  const cache = modelCacheDir(kind, [
    fs.readFileSync(script),
    fs.readFileSync(MODEL_CACHE_SCRIPT),
    fs.readFileSync(PYTHON_ENVS[venv].constraintsFile),
    fs.readFileSync(dataFile),
    fs.readFileSync(LAB_SAMPLE_FILE),
    kind,
  ]);
  const args = [script, kind, "--tracking-uri", trackingUri, "--data", dataFile, "--rows", LAB_SAMPLE_FILE, "--work", work, "--summary", summary, "--cache", cache];
  return runSummaryScript<ScorerModel>(py.python, args, py.env(), work, summary, `scorer_models.py ${kind}`);
}

/** Runs a fixture script that writes a JSON summary; the work folder is removed afterwards. */
export function runSummaryScript<T>(python: string, args: string[], env: NodeJS.ProcessEnv, work: string, summary: string, label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { env, cwd: work });
    let err = "";
    child.stdout.resume();
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      try {
        if (code !== 0) return reject(new Error(`${label} failed (exit ${code}):\n${err.slice(-3000)}`));
        resolve(JSON.parse(fs.readFileSync(summary, "utf8")) as T);
      } catch (error) {
        reject(new Error(`${label} wrote no JSON summary (${(error as Error).message}):\n${err.slice(-2000)}`));
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    });
  });
}
