import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { captureCliOutput } from "../../support/cli-output";
import { main } from "../../../src/cli/main";
import { labInventory, startLabServer, SUB, type LabServer } from "../regions/lab-inventory";
import { runDeployCli } from "../deploy/run-deploy-cli";
import { makeModelDir, startPushWorkspace, WORKSPACE, type PushWorkspace } from "../push/workspace-fixture";

/**
 * Progress is for a person at a terminal and goes to stderr; with --json stdout is one JSON document
 * and stderr stays quiet, even on a terminal. The terminal is simulated (stderr.isTTY set in-process, or
 * by a preload in a child process), so the progress bars really draw; deploy runs as a child process
 * with the recording deployer standing in for the Pulumi CLI.
 */
const repo = path.resolve(__dirname, "../../..");
const stdio = captureCliOutput();
let dir: string;
const stderrWasTTY = process.stderr.isTTY;

function asTerminal(on: boolean): void {
  Object.defineProperty(process.stderr, "isTTY", { value: on, configurable: true, writable: true });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-progress-"));
  process.env.MLFLOW_LAB_STATE_DIR = path.join(dir, "state");
  asTerminal(true);
});
afterEach(() => {
  asTerminal(stderrWasTTY);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The CLI as a child process whose stderr claims to be a terminal (a preload sets isTTY). */
function cliAtTerminal(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const preload = path.join(dir, "stderr-is-a-terminal.cjs");
  fs.writeFileSync(preload, 'Object.defineProperty(process.stderr, "isTTY", { value: true });\n');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--require", preload, path.join(repo, "scripts/mlflow-lab"), ...args],
      { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: dir, MLFLOW_LAB_STATE_DIR: path.join(dir, "state"), ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("regions reading live signals", () => {
  let lab: LabServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    lab = await startLabServer(labInventory({ regions: ["eastus", "westeurope", "northeurope"] }));
    env = { ...lab.server.env(), MLFLOW_LAB_MODEL_SERVING_REGIONS: "eastus,westeurope,northeurope" };
  });
  afterAll(async () => {
    await lab?.server.stop();
  });

  it("shows a progress bar on stderr at a terminal, the table on stdout", async () => {
    const result = await cliAtTerminal(["regions", "--subscription", SUB, "--seed", "1"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("reading regions");
    expect(result.stdout).toMatch(/CHOSEN/);
    expect(result.stdout).not.toContain("reading regions");
  });

  it("with --json: nothing on stderr, one JSON document on stdout", async () => {
    const result = await cliAtTerminal(["regions", "--subscription", SUB, "--seed", "1", "--json"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout).choice.region).toBeTruthy();
  });
});

describe("push-model uploading", () => {
  let ws: PushWorkspace;
  const workspaceId = `/subscriptions/${WORKSPACE.subscriptionId}/resourceGroups/${WORKSPACE.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${WORKSPACE.workspace}`;
  beforeAll(async () => {
    ws = await startPushWorkspace();
  });
  afterAll(async () => {
    await ws?.stop();
  });
  beforeEach(() => {
    Object.assign(process.env, ws.env);
  });

  it("shows the upload bar on stderr at a terminal", async () => {
    const model = makeModelDir(dir, "bar_model", { files: 4, fileBytes: 4096, seed: "progress-bar" });
    expect(await main(["push-model", model, "--name", "progress-bar", "--workspace", workspaceId]), stdio.err).toBe(0);
    expect(stdio.err).toContain("uploading");
    expect(stdio.out).toMatch(/progress-bar:1/);
  });

  it("with --json: no bar even at a terminal, and stdout is the result as JSON", async () => {
    const model = makeModelDir(dir, "json_model", { files: 4, fileBytes: 4096, seed: "progress-json" });
    expect(await main(["push-model", model, "--name", "progress-json", "--workspace", workspaceId, "--json"]), stdio.err).toBe(0);
    expect(stdio.err).toBe("");
    expect(JSON.parse(stdio.out)).toMatchObject({ name: "progress-json", version: "1", status: "registered" });
  });
});

describe("deploy", () => {
  let lab: LabServer;
  beforeAll(async () => {
    lab = await startLabServer(labInventory({ regions: ["eastus", "westeurope"] }), { durations: { databricksCreate: 2_000 } });
  });
  afterAll(async () => {
    await lab?.server.stop();
  });

  const deploy = (args: string[]) => runDeployCli(lab, dir, "Pulumi.progress.yaml", "config:\n  azure-mlflow-lab:owner: learner@example.com\n", args);

  it("with --json: the outcome as JSON on stdout and no progress lines on stderr", async () => {
    const result = await deploy(["--json", "--seed", "3"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toMatchObject({ stack: "progress", resourceGroup: expect.stringMatching(/^msl-/) });
  });
});
