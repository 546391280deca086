import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { RestError } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../support/cli-output";
import { OperationFailedError, UserInputError } from "../../../src/errors";
import { azureMlObjectHash } from "../../../src/models/push/content-hash";
import { pushModel, type PushRequest, type PushResult } from "../../../src/models/push/push-model";
import { freePort, startMlflowServer, tempDir, trainModels, type MlflowServer, type TrainedModels } from "../../support/mlflow";
import { blobNames, makeModelDir, startPushWorkspace, WORKSPACE, type PushWorkspace } from "./workspace-fixture";

/**
 * push-model end to end: real MLflow (tracking server + registry, and an mlruns store), Azurite as the
 * workspace's blob datastore, the ARM test server as the Azure ML control plane.
 */

const REPO = path.resolve(__dirname, "..", "..", "..");
let ws: PushWorkspace;
let mlflow: MlflowServer;
let trained: TrainedModels;
let mlruns: string;
let fileTrained: TrainedModels;
let work: string;

function push(source: string, name: string, extra: Partial<PushRequest> = {}): Promise<PushResult> {
  return pushModel({ source, name, workspace: WORKSPACE, arm: ws.client, resolve: { trackingUri: mlflow.url, env: {} }, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(args, ws.env);
}

function armModelVersion(name: string, version: string): Record<string, any> | undefined {
  const id = `/subscriptions/${WORKSPACE.subscriptionId}/resourceGroups/${WORKSPACE.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${WORKSPACE.workspace}/models/${name}/versions/${version}`;
  return ws.arm.resource(id) as Record<string, any> | undefined;
}

beforeAll(async () => {
  work = tempDir("push");
  ws = await startPushWorkspace();
  mlflow = await startMlflowServer();
  trained = await trainModels(mlflow.url, { registry: true });
  mlruns = path.join(work, "mlruns");
  fileTrained = await trainModels(`file://${mlruns}`);
});

afterAll(async () => {
  await ws?.stop();
  await mlflow?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("push-model from each source kind", () => {
  it("registers a local folder: azure-ai-ml path, completed marker, mlflow_model version with tags and flavors", async () => {
    const dir = makeModelDir(work, "churn_model", { files: 3, seed: "local" });
    const result = await push(dir, "churn");
    const hash = azureMlObjectHash(dir);
    expect(result).toMatchObject({ name: "churn", version: "1", status: "registered", datastore: "workspaceblobstore", path: `LocalUpload/${hash}/churn_model`, files: 5 });
    expect(result.uploadedBytes).toBe(result.totalBytes);
    expect(result.modelUri).toBe(
      `azureml://subscriptions/${WORKSPACE.subscriptionId}/resourcegroups/${WORKSPACE.resourceGroup}/workspaces/${WORKSPACE.workspace}/datastores/workspaceblobstore/paths/LocalUpload/${hash}/churn_model`,
    );
    expect(await blobNames(ws.container, `LocalUpload/${hash}/`)).toEqual(
      ["MLmodel", "data/part-00000.bin", "data/part-00001.bin", "data/part-00002.bin", "requirements.txt"].map((f) => `LocalUpload/${hash}/churn_model/${f}`).sort(),
    );
    const marker = await ws.container.getBlobClient(`LocalUpload/${hash}/churn_model/MLmodel`).getProperties();
    expect(marker.metadata).toEqual({ upload_status: "completed", name: "churn", version: "1" });
    const version = armModelVersion("churn", "1")!;
    expect(version.properties).toMatchObject({
      modelType: "mlflow_model",
      modelUri: result.modelUri,
      tags: { "mlflow.run_id": "local".padEnd(32, "0"), mlflow_version: "2.10.0", flavors: "python_function", source: dir },
      flavors: { python_function: { data: { loader_module: "mlflow.pyfunc.model", python_version: "3.10" } } },
    });
  });

  it("pushes a runs:/ model from the tracking server with the run's metrics as tags", async () => {
    const { run_id, accuracy } = trained.penguin.v3_name;
    const result = await push(`runs:/${run_id}/penguin-classifier`, "penguin-run");
    expect(result).toMatchObject({ status: "registered", version: "1", runId: run_id });
    expect(result.path).toMatch(/^LocalUpload\/[0-9a-f]{64}\/penguin-classifier$/);
    const tags = armModelVersion("penguin-run", "1")!.properties.tags;
    expect(tags).toMatchObject({ "mlflow.run_id": run_id, "mlflow.model_id": trained.penguin.v3_name.model_id, mlflow_version: "3.17.2", flavors: "python_function,sklearn" });
    expect(Number(tags["metric.accuracy"])).toBeCloseTo(accuracy, 10);
  });

  it("pushes models:/<name>@<alias> and records the MLflow registry version", async () => {
    const result = await push("models:/Penguin Predictor@champion", "penguin-predictor");
    expect(result.status).toBe("registered");
    expect(armModelVersion("penguin-predictor", "1")!.properties.tags["mlflow.registered_model"]).toBe(`Penguin Predictor:${trained.registry!.champion}`);
    // The MLflow 2.x-layout version 1 is different content: it becomes version 2.
    const v1 = await push("models:/Penguin Predictor/1", "penguin-predictor");
    expect(v1).toMatchObject({ status: "registered", version: "2" });
  });

  it("pushes from an mlruns folder by run id", async () => {
    const result = await push(mlruns, "penguin-mlruns", { resolve: { runId: fileTrained.penguin.v2_layout.run_id, env: {} } });
    expect(result).toMatchObject({ status: "registered", runId: fileTrained.penguin.v2_layout.run_id });
    expect(result.path.endsWith("/model")).toBe(true);
  });
});

describe("content-addressed, idempotent and resumable", () => {
  it("uploads 0 bytes and reports the existing version when the same content is pushed again", async () => {
    const first = await push(`runs:/${trained.churn.run_id}/churn`, "churn-pyfunc");
    expect(first.uploadedBytes).toBeGreaterThan(0);
    const again = await push(`runs:/${trained.churn.run_id}/churn`, "churn-pyfunc");
    expect(again).toMatchObject({ status: "unchanged", version: first.version, uploadedBytes: 0, path: first.path });
    const viaCli = await cli(["push-model", `runs:/${trained.churn.run_id}/churn`, "--name", "churn-pyfunc", "--tracking-uri", mlflow.url, "--workspace", `/subscriptions/${WORKSPACE.subscriptionId}/resourceGroups/${WORKSPACE.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${WORKSPACE.workspace}`, "--json"]);
    expect(viaCli.code).toBe(0);
    expect(JSON.parse(viaCli.stdout)).toMatchObject({ status: "unchanged", version: first.version, uploadedBytes: 0 });
  });

  it("skips the upload when another tool already uploaded the same folder (completed marker)", async () => {
    const dir = makeModelDir(work, "shared", { files: 2, seed: "shared" });
    const first = await push(dir, "shared-a");
    const second = await push(dir, "shared-b");
    expect(second).toMatchObject({ status: "registered", version: "1", uploadedBytes: 0, path: first.path });
  });

  it("pushes a 1,000-file model, then re-pushes it with 0 bytes", async () => {
    const dir = makeModelDir(work, "many_files", { files: 1000, fileBytes: 512, seed: "many" });
    const first = await push(dir, "many-files");
    expect(first).toMatchObject({ status: "registered", files: 1002, uploadedBytes: 1000 * 512 + fs.statSync(path.join(dir, "MLmodel")).size + fs.statSync(path.join(dir, "requirements.txt")).size });
    expect(await blobNames(ws.container, `${first.path}/`)).toHaveLength(1002);
    const again = await push(dir, "many-files");
    expect(again).toMatchObject({ status: "unchanged", uploadedBytes: 0 });
  });

  it("resumes an interrupted upload: committed blobs with the same MD5 are not sent again", async () => {
    const dir = makeModelDir(work, "resumable", { files: 12, fileBytes: 256 * 1024, bigFileBytes: 20 * 1024 * 1024, seed: "resume" });
    let committed = 0;
    let committedBytes = 0;
    const interrupted = await failure(
      push(dir, "resumable", {
        uploadConcurrency: 2,
        // Small limits so weights.bin goes up as staged blocks, as a model file over 256 MiB would.
        singleShotLimit: 1 << 20,
        blockSize: 4 << 20,
        afterFile: (file) => {
          committed++;
          committedBytes += file.size;
          if (committed === 6) throw new Error("network dropped");
        },
      }),
    );
    expect(interrupted.message).toBe("network dropped");
    const hash = azureMlObjectHash(dir);
    const marker = await ws.container.getBlobClient(`LocalUpload/${hash}/resumable/MLmodel`).getProperties().catch(() => undefined);
    expect(marker?.metadata?.upload_status).toBeUndefined();
    expect(armModelVersion("resumable", "1")).toBeUndefined();

    const resumed = await push(dir, "resumable", { singleShotLimit: 1 << 20, blockSize: 4 << 20 });
    const total = resumed.totalBytes;
    expect(resumed.status).toBe("registered");
    expect(resumed.uploadedBytes).toBeLessThanOrEqual(total - committedBytes);
    expect(resumed.uploadedBytes).toBeGreaterThan(0);
    const weights = await ws.container.getBlobClient(`LocalUpload/${hash}/resumable/data/weights.bin`).getProperties();
    expect(weights.contentLength).toBe(20 * 1024 * 1024);
    expect(Buffer.from(weights.contentMD5!).toString("base64")).toBe((await import("node:crypto")).createHash("md5").update(fs.readFileSync(path.join(dir, "data", "weights.bin"))).digest("base64"));
  });

  it.each([
    ["ENOTFOUND", new RestError("getaddrinfo ENOTFOUND labstorage.blob.core.windows.net", { code: "ENOTFOUND" }), "the storage host name does not resolve (ENOTFOUND)"],
    ["ECONNRESET", new RestError("read ECONNRESET", { code: "ECONNRESET" }), "the connection was reset (ECONNRESET)"],
    ["ETIMEDOUT", new RestError("connect ETIMEDOUT 10.0.0.1:443", { code: "ETIMEDOUT" }), "the connection timed out (ETIMEDOUT)"],
    ["socket hang up", new RestError("socket hang up", { code: "REQUEST_SEND_ERROR" }), "the connection was closed mid-transfer (socket hang up)"],
    // The SDK's AbortError (from @azure/abort-controller, not a dependency of ours): an Error named so.
    ["aborted", Object.assign(new Error("The operation was aborted."), { name: "AbortError" }), "the transfer was aborted"],
  ])("an upload cut off by the network (%s) is one line naming the storage account and container, and says a re-run resumes", async (label, cause, words) => {
    const dir = makeModelDir(work, `network_${label.replace(/\W/g, "_")}`, { files: 4, seed: `network-${label}` });
    const error = await failure(
      push(dir, "network-cut", {
        uploadConcurrency: 1,
        afterFile: (_file, index) => {
          if (index === 1) throw cause;
        },
      }),
    );
    expect(error).toBeInstanceOf(OperationFailedError);
    expect(error.message).toBe(
      `uploading to storage account ${ws.azurite.accountName}, container ${ws.container.containerName} (datastore workspaceblobstore) failed: ${words}; run the same command again to resume (files already uploaded are not sent again)`,
    );
  });

  it("refuses different content under an existing version before uploading anything", async () => {
    const a = makeModelDir(work, "conflict_a", { files: 1, seed: "a" });
    const b = makeModelDir(work, "conflict_b", { files: 1, seed: "b" });
    await push(a, "conflict", { version: "5" });
    const before = await blobNames(ws.container, "LocalUpload/");
    const error = await failure(push(b, "conflict", { version: "5" }));
    expect(error).toBeInstanceOf(UserInputError);
    expect(error.message).toMatch(/^conflict:5 already exists in mlw-push01 with different content \(azureml:\/\/.+LocalUpload\/[0-9a-f]{64}\/conflict_a\); push without --version to get the next one, or pick an unused --version$/);
    expect(await blobNames(ws.container, "LocalUpload/")).toEqual(before);
    expect(await push(a, "conflict", { version: "5" })).toMatchObject({ status: "unchanged", version: "5" });
  });
});

describe("--version", () => {
  it("pushes the version asked for, spelt --version N or --version=N (the root command's version flag is -V)", async () => {
    const dir = makeModelDir(work, "versioned", { seed: "v3" });
    const spaced = await cli(["push-model", dir, "--name", "versioned", "--version", "3", ...wsArgs(), "--json"]);
    expect(spaced.stderr).toBe("");
    expect(spaced.code).toBe(0);
    expect(JSON.parse(spaced.stdout)).toMatchObject({ name: "versioned", version: "3", status: "registered" });
    expect(armModelVersion("versioned", "3")?.name).toBe("3");
    const other = makeModelDir(work, "versioned_7", { seed: "v7" });
    const joined = await cli(["push-model", other, "--name", "versioned", "--version=7", ...wsArgs(), "--json"]);
    expect(joined.code).toBe(0);
    expect(JSON.parse(joined.stdout)).toMatchObject({ version: "7", status: "registered" });
    expect(armModelVersion("versioned", "7")?.name).toBe("7");
  });

  it("refuses a version that is not a positive whole number in one line naming --version, before anything is read or uploaded", async () => {
    const dir = makeModelDir(work, "bad_version", { seed: "bad" });
    const before = await blobNames(ws.container, "LocalUpload/");
    for (const version of ["abc", "0", "1.5", "-2", "03"]) {
      const run = await cli(["push-model", dir, "--name", "bad-version", `--version=${version}`, ...wsArgs()]);
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toBe(`error: --version "${version}" is not a model version; Azure ML model versions are whole numbers from 1, such as 1, 2 or 3\n`);
    }
    expect(await blobNames(ws.container, "LocalUpload/")).toEqual(before);
    expect(armModelVersion("bad-version", "abc")).toBeUndefined();
  });
});

describe("the copy Azure ML serves", () => {
  it("names azureml-ai-monitoring in the uploaded conda.yaml and requirements.txt; the user's folder is left as it was", async () => {
    const dir = makeModelDir(work, "monitored", { seed: "mon", withoutMonitoring: true });
    fs.writeFileSync(path.join(dir, "conda.yaml"), "channels:\n- conda-forge\ndependencies:\n- python=3.11.7\n- pip<=24.0\n- pip:\n  - mlflow==2.10.0\nname: mlflow-env\n");
    const original = { conda: fs.readFileSync(path.join(dir, "conda.yaml"), "utf8"), requirements: fs.readFileSync(path.join(dir, "requirements.txt"), "utf8") };
    const result = await push(dir, "monitored");
    expect(result.servingPackagesAdded).toEqual(["azureml-ai-monitoring==1.0.0"]);
    const uploaded = async (name: string) => (await ws.container.getBlobClient(`${result.path}/${name}`).downloadToBuffer()).toString("utf8");
    expect(await uploaded("conda.yaml")).toBe("channels:\n  - conda-forge\ndependencies:\n  - python=3.11.7\n  - pip<=24.0\n  - pip:\n      - mlflow==2.10.0\n      - azureml-ai-monitoring==1.0.0\nname: mlflow-env\n");
    expect(await uploaded("requirements.txt")).toBe(`${original.requirements}azureml-ai-monitoring==1.0.0\n`);
    expect(fs.readFileSync(path.join(dir, "conda.yaml"), "utf8")).toBe(original.conda);
    expect(fs.readFileSync(path.join(dir, "requirements.txt"), "utf8")).toBe(original.requirements);
    // A model that already names it goes up byte for byte, on azure-ai-ml's own path for the folder.
    const ready = makeModelDir(work, "monitored_already", { seed: "ready" });
    const same = await push(ready, "monitored-already");
    expect(same.servingPackagesAdded).toEqual([]);
    expect(same.path).toBe(`LocalUpload/${azureMlObjectHash(ready)}/monitored_already`);
  });
});

const wsArgs = () => ["--workspace", `/subscriptions/${WORKSPACE.subscriptionId}/resourceGroups/${WORKSPACE.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${WORKSPACE.workspace}`];

describe("clear errors", () => {
  it("missing MLmodel, broken YAML and a model dir that is a file exit 2 with one line", async () => {
    const empty = path.join(work, "no_mlmodel");
    fs.mkdirSync(empty, { recursive: true });
    fs.writeFileSync(path.join(empty, "model.pkl"), "x");
    const missing = await cli(["push-model", empty, "--name", "m", ...wsArgs()]);
    expect(missing).toMatchObject({ code: 2, stderr: `error: ${empty} has no MLmodel file (an MLflow model directory has an MLmodel file at its root)\n` });

    const broken = makeModelDir(work, "broken_yaml");
    fs.writeFileSync(path.join(broken, "MLmodel"), "flavors:\n  python_function: {loader_module: x\nrun_id: 1\n");
    const yaml = await cli(["push-model", broken, "--name", "m", ...wsArgs()]);
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toMatch(new RegExp(`^error: ${broken.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/MLmodel is not valid YAML \\(line \\d+, column \\d+\\): .+\\n$`));

    const file = path.join(work, "model.tar");
    fs.writeFileSync(file, "not a folder");
    expect(await cli(["push-model", file, "--name", "m", ...wsArgs()])).toMatchObject({ code: 2, stderr: `error: ${file} is a file, not an MLflow model directory (pass the folder that contains MLmodel)\n` });
  });

  it("unknown run id (exit 2) and unreachable tracking server (exit 1) name what was wrong", async () => {
    const unknown = await cli(["push-model", "runs:/ffffffffffffffffffffffffffffffff/model", "--name", "m", "--tracking-uri", mlflow.url, ...wsArgs()]);
    expect(unknown).toMatchObject({ code: 2, stderr: `error: run ffffffffffffffffffffffffffffffff was not found on ${mlflow.url}\n` });
    const port = await freePort();
    const down = await cli(["push-model", "models:/churn/1", "--name", "m", "--tracking-uri", `http://127.0.0.1:${port}`, ...wsArgs()]);
    expect(down).toMatchObject({ code: 1, stderr: `error: MLflow tracking server http://127.0.0.1:${port} is unreachable (ECONNREFUSED)\n` });
  });

  it("a wrong workspace is named with its group and subscription", async () => {
    const dir = makeModelDir(work, "wrong_ws", { seed: "w" });
    const error = await failure(pushModel({ source: dir, name: "m", workspace: { ...WORKSPACE, workspace: "mlw-nope" }, arm: ws.client }));
    expect(error).toBeInstanceOf(UserInputError);
    expect(error.message).toBe(
      `Azure ML workspace mlw-nope was not found in resource group ${WORKSPACE.resourceGroup} of subscription ${WORKSPACE.subscriptionId} (ResourceNotFound); check --workspace / --resource-group / --subscription or the stack`,
    );
    const otherGroup = await failure(pushModel({ source: dir, name: "m", workspace: { ...WORKSPACE, resourceGroup: "msl-gone" }, arm: ws.client }));
    expect(otherGroup.message).toContain("was not found in resource group msl-gone");
    expect(otherGroup).not.toBeInstanceOf(OperationFailedError);
  });
});

describe("--deploy", () => {
  // The ARM test server runs in this process: the child must be awaited, never run synchronously.
  function mlflowLab(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(path.join(REPO, "scripts", "mlflow-lab"), args, { cwd, env: { ...process.env, ...ws.env, ...env } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("error", reject);
      child.on("exit", (status) => resolve({ status, stdout, stderr }));
    });
  }

  it("points the stack's endpoint at the pushed version (real mlflow-lab command)", async () => {
    // The stacks/ folder plan and deploy read (here MLFLOW_LAB_PROJECT_DIR's), not one found from the
    // current folder: the decoy project the command runs in stays as it was.
    const project = path.join(work, "project");
    fs.mkdirSync(path.join(project, "stacks"), { recursive: true });
    const stackText = "config:\n  azure-mlflow-lab:region: westeurope\n  # the course's endpoint\n  azure-mlflow-lab:endpoints:\n    - name: churn-online\n      kind: managed\n      model: churn-online-model:1\n      size: Standard_DS2_v2\n";
    const stackFile = path.join(project, "stacks", "Pulumi.course.yaml");
    fs.writeFileSync(stackFile, stackText);
    const decoy = path.join(work, "decoy-project");
    fs.mkdirSync(path.join(decoy, "stacks"), { recursive: true });
    fs.writeFileSync(path.join(decoy, "Pulumi.yaml"), "name: azure-mlflow-lab\nruntime: nodejs\nstackConfigDir: stacks\n");
    fs.writeFileSync(path.join(decoy, "stacks", "Pulumi.course.yaml"), stackText);
    await push(makeModelDir(work, "deployed_before", { seed: "before" }), "churn-online-model");
    const dir = makeModelDir(work, "deploy_me", { seed: "deploy" });
    const run = await mlflowLab(["push-model", dir, "--name", "churn-online-model", "--stack", "course", "--deploy", "churn-online", ...wsArgs()], decoy, { MLFLOW_LAB_PROJECT_DIR: project });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(armModelVersion("churn-online-model", "2")?.name).toBe("2");
    expect(run.stdout).toContain(`endpoint "churn-online" now serves churn-online-model:2 (was churn-online-model:1); apply with: pulumi up --stack course`);
    expect(fs.readFileSync(stackFile, "utf8")).toBe("config:\n  azure-mlflow-lab:region: westeurope\n  # the course's endpoint\n  azure-mlflow-lab:endpoints:\n    - name: churn-online\n      kind: managed\n      model: churn-online-model:2\n      size: Standard_DS2_v2\n");
    expect(fs.readFileSync(path.join(decoy, "stacks", "Pulumi.course.yaml"), "utf8")).toBe(stackText);
  });
});
