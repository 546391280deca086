import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { LabServer } from "../regions/lab-inventory";
import { SUB } from "../regions/lab-inventory";

const repo = path.resolve(__dirname, "../../..");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `mlflow-lab deploy` in a child process against the ARM test server, with the recording
 * deployer (engine state under `<dir>/engine`) in place of the Pulumi CLI, HOME and the state directory
 * inside `dir`, and a stack file written from `stackYaml`; `extraEnv` adds or overrides variables.
 */
export function runDeployCli(
  lab: LabServer,
  dir: string,
  stackFileName: string,
  stackYaml: string,
  args: readonly string[],
  extraEnv: Record<string, string> = {},
): Promise<CliResult> {
  const stackFile = path.join(dir, stackFileName);
  fs.writeFileSync(stackFile, stackYaml);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repo, "scripts/mlflow-lab"), "deploy", "--stack", stackFile, "--subscription", SUB, "--yes", ...args],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: dir,
          MLFLOW_LAB_STATE_DIR: path.join(dir, "state"),
          MLFLOW_LAB_DEPLOYER_MODULE: path.join(repo, "test/integration/deploy/recording-deployer.ts"),
          MLFLOW_LAB_RECORDING_DIR: path.join(dir, "engine"),
          MLFLOW_LAB_RECORDING_POLL_MS: "20",
          MLFLOW_LAB_MODEL_SERVING_REGIONS: "eastus,westeurope",
          ...lab.server.env(),
          ...extraEnv,
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}
