import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pythonEnv } from "../python-env";
import type { PythonEnvName } from "../python-envs";

/**
 * Runs the lab notebook as the stack deploys it (the rendered source) on local Spark through
 * run_notebook.py, in a notebook runtime's venv, against an MLflow tracking server. See run_notebook.py
 * for what the harness supplies.
 */
export interface NotebookRun {
  /** Also the MLflow experiment the run logs to. */
  name: string;
  /** The rendered notebook source. */
  file: string;
  /** Widget values, as a Databricks widget or job parameter would set them. */
  widgets?: Record<string, string>;
}

export interface NotebookRunSummary {
  cells: number;
  seconds: number;
  rows: number;
  /** [run id, logged model URI] of the two training runs. */
  runs: [string, string][];
  registered: { name: string; version: string } | null;
  experiment: string;
  /** With `predict`: what the registered model, loaded back in the notebook's process, answers for the rows. */
  predictions?: number[];
}

export interface NotebookSummary {
  sparkStartSeconds: number;
  /** The MLflow and PySpark the notebook ran with. */
  mlflowVersion: string;
  sparkVersion: string;
  runs: Record<string, NotebookRunSummary>;
  /** Wall time of the whole harness process, Spark start included. */
  wallSeconds: number;
}

export function runNotebooks(options: {
  venv: PythonEnvName;
  runs: NotebookRun[];
  /** Where /Volumes/… and DBFS paths resolve. */
  dataRoot: string;
  trackingUri: string;
  work: string;
  /** A JSON file {columns, rows} (test/support/lab-sample.json) to score with each registered model. */
  predict?: string;
  timeoutMs?: number;
}): Promise<NotebookSummary> {
  const java = spawnSync("java", ["-version"], { encoding: "utf8" });
  const major = Number(/version "(\d+)/.exec(`${java.stderr ?? ""}${java.stdout ?? ""}`)?.[1] ?? 0);
  if (major < 17) throw new Error(`the notebook tests run PySpark, which needs Java 17 or newer on PATH (found ${major || "none"}); .ci/run installs openjdk-17-jre-headless`);
  const py = pythonEnv(options.venv);
  const summaryFile = path.join(options.work, `notebook-summary-${options.venv}.json`);
  const logFile = path.join(options.work, `notebook-${options.venv}.log`);
  const args = [path.join(__dirname, "run_notebook.py"), "--data-root", options.dataRoot, "--summary", summaryFile];
  for (const run of options.runs) {
    args.push("--run", `${run.name}=${run.file}`);
    for (const [key, value] of Object.entries(run.widgets ?? {})) args.push("--widget", `${run.name}=${key}=${value}`);
  }
  if (options.predict) args.push("--predict", options.predict);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const log = fs.openSync(logFile, "w");
    const child = spawn(py.python, args, { env: py.env({ MLFLOW_TRACKING_URI: options.trackingUri }), cwd: options.work, stdio: ["ignore", log, log] });
    fs.closeSync(log);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const tail = () => fs.readFileSync(logFile, "utf8").split("\n").filter((line) => !/^\s+at /.test(line)).slice(-40).join("\n");
      if (code !== 0) return reject(new Error(`run_notebook.py failed (${signal ?? `exit ${code}`}); last log lines:\n${tail()}`));
      const summary = JSON.parse(fs.readFileSync(summaryFile, "utf8")) as Omit<NotebookSummary, "wallSeconds">;
      resolve({ ...summary, wallSeconds: (Date.now() - started) / 1000 });
    });
  });
}
