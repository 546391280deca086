import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OperationFailedError, UserInputError } from "../../../src/errors";
import { readModelDir } from "../../../src/models/model-dir";
import { allPages, MlflowRegistryClient } from "../../../src/models/registry-client";
import { resolveModelSource, type ResolvedModel } from "../../../src/models/sources";
import { freePort, startMlflowServer, tempDir, trainModels, type MlflowServer, type TrainedModels } from "../../support/mlflow";

/**
 * Push sources against REAL MLflow: a tracking server (sqlite store, proxied artifacts) with a
 * registry holding real penguin and churn models, and an mlruns file store written by MLflow itself.
 */

let server: MlflowServer;
let trained: TrainedModels;
let mlruns: string;
let fileTrained: TrainedModels;
const resolved: ResolvedModel[] = [];

async function resolve(source: string, options: Parameters<typeof resolveModelSource>[1] = {}): Promise<ResolvedModel> {
  const model = await resolveModelSource(source, { trackingUri: server.url, env: {}, ...options });
  resolved.push(model);
  return model;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

beforeAll(async () => {
  server = await startMlflowServer();
  trained = await trainModels(server.url, { registry: true });
  const store = tempDir("mlruns");
  mlruns = path.join(store, "mlruns");
  fileTrained = await trainModels(`file://${mlruns}`, { registry: true });
});

afterAll(async () => {
  for (const model of resolved) await model.cleanup();
  await server?.stop();
  if (mlruns) fs.rmSync(path.dirname(mlruns), { recursive: true, force: true });
});

describe("runs:/ against a tracking server", () => {
  it("downloads an MLflow 2.x layout (model files as run artifacts) with the run's metrics", async () => {
    const { run_id } = trained.penguin.v2_layout;
    const model = await resolve(`runs:/${run_id}/model`);
    const local = readModelDir(model.dir);
    expect(local.mlmodel.flavors).toHaveProperty("sklearn");
    expect(local.files.map((f) => f.relPath)).toEqual(expect.arrayContaining(["MLmodel", "conda.yaml", "requirements.txt", "python_env.yaml"]));
    expect(model.displayName).toBe("model");
    expect(model.origin).toMatchObject({ kind: "run", runId: run_id, artifactPath: "model" });
    expect(model.origin.metrics?.accuracy).toBeCloseTo(trained.penguin.v2_layout.accuracy, 10);
    expect(model.downloadedBytes).toBe(local.totalBytes);
  });

  it("finds an MLflow 3 logged model (log_model(name=...)) through the run's outputs", async () => {
    const { run_id, model_id } = trained.penguin.v3_name;
    const model = await resolve(`runs:/${run_id}/penguin-classifier`);
    const local = readModelDir(model.dir);
    expect(local.mlmodel.modelId).toBe(model_id);
    expect(local.mlmodel.layout).toBe("mlflow3");
    expect(local.mlmodel.signature?.inputs).toMatchObject({ kind: "columns" });
    expect(model.origin.loggedModelId).toBe(model_id);
  });

  it("finds a model logged with MLflow 3's artifact_path= keyword", async () => {
    const model = await resolve(`runs:/${trained.penguin.artifact_path.run_id}/model`);
    expect(readModelDir(model.dir).mlmodel.modelId).toBe(trained.penguin.artifact_path.model_id);
  });

  it("says which run id is unknown and where it looked", async () => {
    const error = await failure(resolve("runs:/0123456789abcdef0123456789abcdef/model"));
    expect(error).toBeInstanceOf(UserInputError);
    expect(error.message).toBe(`run 0123456789abcdef0123456789abcdef was not found on ${server.url}`);
  });

  it("lists the run's models when the path is wrong", async () => {
    const error = await failure(resolve(`runs:/${trained.penguin.v3_name.run_id}/classifier`));
    expect(error.message).toContain('has no model at "classifier" (its logged models: penguin-classifier)');
  });
});

describe("models:/ against the registry", () => {
  it("resolves a version number", async () => {
    const model = await resolve("models:/Penguin Predictor/1");
    expect(model.origin).toMatchObject({ kind: "registry", registeredName: "Penguin Predictor", registeredVersion: "1", runId: trained.penguin.v2_layout.run_id });
    expect(readModelDir(model.dir).mlmodel.modelId).toBeUndefined();
  });

  it("resolves an @alias to its version (a logged model under MLflow 3)", async () => {
    const model = await resolve("models:/Penguin Predictor@champion");
    expect(model.origin.registeredVersion).toBe(trained.registry!.champion);
    expect(readModelDir(model.dir).mlmodel.modelId).toBe(trained.penguin.v3_name.model_id);
  });

  it("resolves the legacy stage name and the pyfunc churn model's alias", async () => {
    expect((await resolve("models:/Penguin Predictor/Production")).origin.registeredVersion).toBe(trained.registry!.production);
    const churn = await resolve("models:/churn@prod");
    expect(readModelDir(churn.dir).files.map((f) => f.relPath)).toContain("python_model.pkl");
  });

  it("resolves a logged model id", async () => {
    const model = await resolve(`models:/${trained.churn.model_id}`);
    expect(model.origin).toMatchObject({ kind: "logged-model", loggedModelId: trained.churn.model_id, runId: trained.churn.run_id });
  });

  it("tells unknown model, version and alias apart", async () => {
    expect((await failure(resolve("models:/Nope/1"))).message).toBe(`registered model "Nope" was not found on ${server.url}`);
    expect((await failure(resolve("models:/Penguin Predictor/9"))).message).toBe("models:/Penguin Predictor/9: version 9 does not exist (versions: 1, 2, 3)");
    expect((await failure(resolve("models:/Penguin Predictor@gold"))).message).toBe("models:/Penguin Predictor@gold: alias @gold does not exist (aliases: @champion)");
  });

  it("names the tracking URI it could not reach", async () => {
    const port = await freePort();
    const error = await failure(resolveModelSource("models:/churn/1", { trackingUri: `http://127.0.0.1:${port}`, env: {}, timeoutMs: 5_000 }));
    expect(error).toBeInstanceOf(OperationFailedError);
    expect(error.message).toBe(`MLflow tracking server http://127.0.0.1:${port} is unreachable (ECONNREFUSED)`);
  });

  it("asks for a tracking URI when none is given", async () => {
    const error = await failure(resolveModelSource("models:/churn/1", { env: {} }));
    expect(error.message).toBe("models:/churn/1 needs a tracking server: pass --tracking-uri <url> or set MLFLOW_TRACKING_URI");
  });
});

describe("the registry client", () => {
  it("walks registered models and versions page by page", async () => {
    const client = new MlflowRegistryClient({ trackingUri: server.url });
    const models = await allPages((token) => client.searchRegisteredModels({ maxResults: 1, pageToken: token }));
    expect(models.map((m) => m.name).sort()).toEqual(["Penguin Predictor", "churn"]);
    const versions = await allPages((token) => client.searchModelVersions({ filter: "name='Penguin Predictor'", maxResults: 1, pageToken: token }));
    expect(versions.map((v) => v.version).sort()).toEqual(["1", "2", "3"]);
    const registered = await client.getRegisteredModel("Penguin Predictor");
    expect(registered.aliases).toEqual([{ alias: "champion", version: trained.registry!.champion }]);
  });

  it("carries MLflow's error_code on failures", async () => {
    const client = new MlflowRegistryClient({ trackingUri: server.url });
    const error = await failure(client.getModelVersion("Penguin Predictor", "42"));
    expect(error).toMatchObject({ name: "MlflowApiError", status: 404, errorCode: "RESOURCE_DOES_NOT_EXIST" });
  });
});

describe("an mlruns folder", () => {
  it("is searched by run id when given as the source", async () => {
    const model = await resolveModelSource(mlruns, { runId: fileTrained.penguin.v2_layout.run_id, env: {} });
    expect(model.dir.startsWith(mlruns)).toBe(true);
    expect(model.origin).toMatchObject({ kind: "mlruns", runId: fileTrained.penguin.v2_layout.run_id, artifactPath: "model" });
    expect(model.origin.metrics?.accuracy).toBeCloseTo(fileTrained.penguin.v2_layout.accuracy, 10);
    expect(model.downloadedBytes).toBe(0);
  });

  it("lists its models when the choice is ambiguous", async () => {
    const error = await failure(resolveModelSource(mlruns, { env: {} }));
    expect(error.message).toMatch(/holds 4 models \(.*\); choose one with --run-id <id> \[--artifact-path <path>\]$/);
  });

  it("serves runs:/ and models:/ (version, alias, stage) when it is the tracking URI", async () => {
    const run = await resolveModelSource(`runs:/${fileTrained.penguin.v3_name.run_id}/penguin-classifier`, { trackingUri: mlruns, env: {} });
    expect(readModelDir(run.dir).mlmodel.modelId).toBe(fileTrained.penguin.v3_name.model_id);
    const alias = await resolveModelSource("models:/Penguin Predictor@champion", { trackingUri: `file://${mlruns}`, env: {} });
    expect(alias.origin.registeredVersion).toBe(fileTrained.registry!.champion);
    const stage = await resolveModelSource("models:/Penguin Predictor/Production", { trackingUri: mlruns, env: {} });
    expect(readModelDir(stage.dir).mlmodel.modelId).toBeUndefined();
    expect((await failure(resolveModelSource("runs:/feedbeef/model", { trackingUri: mlruns, env: {} }))).message).toBe(`run feedbeef was not found in ${mlruns}`);
  });
});
