import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { runCli as cli } from "../../support/cli-output";
import { pushModel, type PushResult } from "../../../src/models/push/push-model";
import { freePort, startMlflowServer, tempDir, type MlflowServer, type ScorerModel } from "../../support/mlflow";
import { startService, type RunningService } from "../../support/mlflow/process";
import { copyLabPenguins } from "../../support/penguins";
import { logScorerModel } from "../../support/scorer-models";
import { ensurePythonEnv, venvRoot } from "../../support/python-env";
import { startPushWorkspace, WORKSPACE, type PushWorkspace } from "./workspace-fixture";

/**
 * What a managed or Kubernetes online endpoint gets from a pushed model: Azure ML builds the no-code
 * deployment's environment from the model's conda.yaml (its pip list) and serves it with its inference
 * server and a generated scoring script. Here the pushed copy is read back from the datastore (Azurite),
 * a venv is built with pip from that pip list plus the inference server, and the real `azmlinfsrv` serves
 * the model with a stand-in of the generated script (test/support/mlflow/no_code_score.py), whose first
 * line is the import that crashed models without azureml-ai-monitoring.
 */

/** What Azure ML's environment build adds to the model's own packages (Azure/azureml-examples#4004, 2026). */
const INFERENCE_SERVER = "azureml-inference-server-http==1.5.1";

let work: string;
let ws: PushWorkspace;
let tracking: MlflowServer;
let model: ScorerModel;
let pushed: PushResult;
let uploaded: string;
let server: RunningService | undefined;


function condaPipList(dir: string): string[] {
  const conda = YAML.parse(fs.readFileSync(path.join(dir, "conda.yaml"), "utf8")) as { dependencies: Array<string | { pip?: string[] }> };
  return conda.dependencies.flatMap((d) => (typeof d === "object" && d.pip ? d.pip : []));
}

beforeAll(async () => {
  work = tempDir("no-code");
  ws = await startPushWorkspace();
  tracking = await startMlflowServer();
  model = await logScorerModel("sklearn3", tracking.url, copyLabPenguins(work));
  pushed = await pushModel({ source: model.model_uri, name: "penguin-no-code", workspace: WORKSPACE, arm: ws.client, resolve: { trackingUri: tracking.url, env: {} } });
  // The copy in the datastore, file by file, as Azure ML reads it.
  uploaded = path.join(work, "uploaded", path.basename(pushed.path));
  for await (const blob of ws.container.listBlobsFlat({ prefix: `${pushed.path}/` })) {
    const target = path.join(uploaded, blob.name.slice(pushed.path.length + 1));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await ws.container.getBlobClient(blob.name).downloadToFile(target);
  }
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await tracking?.stop();
  await ws?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the environment a pushed model gets on an Azure ML online endpoint", () => {
  it("names azureml-ai-monitoring, which the model as MLflow logged it does not", () => {
    expect(pushed.servingPackagesAdded).toEqual(["azureml-ai-monitoring==1.0.0"]);
    expect(condaPipList(uploaded)).toContain("azureml-ai-monitoring==1.0.0");
    expect(fs.readFileSync(path.join(uploaded, "requirements.txt"), "utf8")).toMatch(/^azureml-ai-monitoring==1\.0\.0$/m);
    expect(fs.readFileSync(path.join(uploaded, "MLmodel"), "utf8")).toMatch(/serialization_format: skops/);
  });

  it("installs with pip and serves the model through the inference server with the no-code script's import", async () => {
    // The model's pip list is the environment: a venv per distinct list, kept between runs like the others.
    const requirements = [...condaPipList(uploaded), INFERENCE_SERVER].join("\n") + "\n";
    const hash = createHash("sha256").update(requirements).digest("hex").slice(0, 16);
    const file = path.join(venvRoot(), `no-code-requirements-${hash}.txt`);
    fs.mkdirSync(venvRoot(), { recursive: true });
    fs.writeFileSync(file, requirements);
    const { env } = await ensurePythonEnv({ name: "no-code", constraintsFile: file, purpose: "a pushed model's no-code environment" });

    const port = await freePort();
    server = await startService({
      name: "azmlinfsrv",
      command: env.bin("azmlinfsrv"),
      args: ["--entry_script", path.join(__dirname, "..", "..", "support", "mlflow", "no_code_score.py"), "--model_dir", uploaded, "--port", String(port)],
      env: env.env({ AZUREML_MODEL_DIR: uploaded }),
      cwd: work,
      port,
      readyUrl: `http://127.0.0.1:${port}/`,
      logFile: path.join(work, "azmlinfsrv.log"),
      timeoutMs: 180_000,
    });
    const data = path.join(work, "rows.csv");
    fs.writeFileSync(data, [model.columns.join(","), ...model.rows.map((r) => r.join(","))].join("\n") + "\n");
    const result = await cli(["score", "--url", `${server.url}/score`, "--kind", "managed", "--data", data, "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).predictions).toEqual(model.expected);
  });
});
