import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OperationFailedError, UserInputError } from "../../errors";
import {
  allPages,
  isDatabricksHost,
  MlflowApiError,
  type MlflowRegistryClient,
  MlflowUnreachableError,
  type ModelVersion,
  type Run,
} from "../registry-client";
import { downloadTree, type RemoteTree } from "./download";
import { describeRef, type RegisteredRef, type SourceSpec } from "./source-spec";
import type { ModelOrigin, ResolvedModel } from "./types";

/**
 * Resolves `runs:/`, `models:/` (version, @alias, legacy stage, latest) and `models:/m-<id>` against an
 * MLflow tracking server over REST and downloads the model folder into a temp dir.
 */

type RemoteSpec = Exclude<SourceSpec, { kind: "path" }>;

function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== "").join("/").replace(/\/+/g, "/");
}

function lastMetrics(run: Run): Record<string, number> | undefined {
  const metrics = run.data.metrics ?? [];
  if (metrics.length === 0) return undefined;
  return Object.fromEntries(metrics.map((m) => [m.key, m.value]));
}

/** A tree over the mlflow-artifacts proxy; its listings return basenames. */
function proxiedTree(client: MlflowRegistryClient, root: string): RemoteTree {
  return {
    list: async (relDir) =>
      (await client.listProxiedArtifacts(joinPath(root, relDir))).map((f) => {
        const base = f.path.split("/").pop()!;
        return { relPath: joinPath(relDir, base), isDir: f.is_dir, size: f.file_size };
      }),
    fetch: (relPath) => client.downloadProxiedArtifact(joinPath(root, relPath)),
  };
}

/** Databricks workspace registry: list-artifacts + signed download URLs per file. */
function databricksTree(client: MlflowRegistryClient, name: string, version: string): RemoteTree {
  return {
    list: async (relDir) => {
      const files = await allPages((token) => client.listDatabricksModelArtifacts(name, version, relDir || undefined, token));
      return files.map((f) => ({
        relPath: relDir && !f.path.startsWith(`${relDir}/`) ? joinPath(relDir, f.path) : f.path,
        isDir: f.is_dir,
        size: f.file_size,
      }));
    },
    fetch: async (relPath) => {
      const signed = await client.getDatabricksSignedDownloadUri(name, version, relPath);
      return client.fetchBinary(signed.url, signed.headers);
    },
  };
}

interface Location {
  /** A folder already on this machine (file: artifact stores shared with the server). */
  localDir?: string;
  tree?: RemoteTree;
  description: string;
}

function locate(client: MlflowRegistryClient, artifactUri: string, registered?: { name: string; version: string }): Location {
  if (artifactUri.startsWith("mlflow-artifacts:")) {
    const url = new URL(artifactUri);
    const root = decodeURIComponent(url.pathname).replace(/^\/+/, "");
    const target = url.host
      ? client.withBaseUrl(`${client.baseUrl.startsWith("https") ? "https" : "http"}://${url.host}`)
      : client;
    return { tree: proxiedTree(target, root), description: artifactUri };
  }
  if (artifactUri.startsWith("file:") || artifactUri.startsWith("/")) {
    const local = artifactUri.startsWith("file:") ? decodeURIComponent(new URL(artifactUri).pathname) : artifactUri;
    if (fs.existsSync(path.join(local, "MLmodel"))) return { localDir: local, description: artifactUri };
    throw new UserInputError(
      `the server stores artifacts at ${artifactUri}, which is not on this machine; start it with --serve-artifacts (mlflow-artifacts:) or push the folder`,
    );
  }
  if (registered && (artifactUri.startsWith("dbfs:") || isDatabricksHost(client.baseUrl))) {
    return { tree: databricksTree(client, registered.name, registered.version), description: artifactUri };
  }
  const scheme = artifactUri.split(":")[0];
  throw new UserInputError(
    `artifacts at ${artifactUri} (${scheme}) cannot be read by mlflow-lab; run \`mlflow artifacts download -u <uri> -d <dir>\` and push the folder`,
  );
}

export class TrackingServerSource {
  constructor(
    private readonly client: MlflowRegistryClient,
    private readonly trackingUri: string,
  ) {}

  private async call<T>(what: () => Promise<T>, notFound: (error: MlflowApiError) => Error | Promise<Error>): Promise<T> {
    try {
      return await what();
    } catch (error) {
      if (error instanceof MlflowUnreachableError) throw new OperationFailedError(error.message);
      if (error instanceof MlflowApiError) {
        if (error.notFound) throw await notFound(error);
        throw new OperationFailedError(`${this.trackingUri}: ${error.message} (${error.errorCode})`);
      }
      throw error;
    }
  }

  async resolve(spec: RemoteSpec, source: string): Promise<ResolvedModel> {
    switch (spec.kind) {
      case "run":
        return this.resolveRun(spec.runId, spec.artifactPath, source);
      case "registered":
        return this.resolveRegistered(spec.name, spec.ref, source);
      case "logged-model":
        return this.resolveLoggedModel(spec.modelId, source);
    }
  }

  private getRun(runId: string): Promise<Run> {
    return this.call(
      () => this.client.getRun(runId),
      () => new UserInputError(`run ${runId} was not found on ${this.trackingUri}`),
    );
  }

  async resolveRun(runId: string, artifactPath: string, source: string): Promise<ResolvedModel> {
    const run = await this.getRun(runId);
    const metrics = lastMetrics(run);
    const origin: ModelOrigin = { source, kind: "run", runId, artifactPath, ...(metrics ? { metrics } : {}) };
    // MLflow 2.x (and plain log_artifacts): the model is among the run's own artifacts.
    const listed = await this.call(
      () => this.client.listRunArtifacts(runId, artifactPath),
      () => new UserInputError(`run ${runId} has no artifacts on ${this.trackingUri}`),
    );
    if (listed.items.some((f) => f.path === `${artifactPath}/MLmodel` || f.path === "MLmodel")) {
      const root = run.info.artifact_uri.replace(/\/+$/, "");
      return this.fetch(locate(this.client, `${root}/${artifactPath}`), artifactPath, origin);
    }
    // MLflow 3.x: log_model(name=...) writes a logged model m-<id> outside the run's artifacts.
    const modelIds = (run.outputs?.model_outputs ?? []).map((o) => o.model_id);
    const loggedModels = await Promise.all(modelIds.map((id) => this.client.getLoggedModel(id).catch(() => undefined)));
    const match = loggedModels.find((m) => m?.info.name === artifactPath);
    if (match) {
      return this.fetch(locate(this.client, match.info.artifact_uri), artifactPath, { ...origin, loggedModelId: match.info.model_id });
    }
    const known = loggedModels.filter((m) => m !== undefined).map((m) => m!.info.name);
    throw new UserInputError(
      `run ${runId} has no model at "${artifactPath}"` + (known.length > 0 ? ` (its logged models: ${known.join(", ")})` : ""),
    );
  }

  private async versionFor(name: string, ref: RegisteredRef): Promise<ModelVersion> {
    const label = describeRef(name, ref);
    const modelMissing = () => new UserInputError(`registered model "${name}" was not found on ${this.trackingUri}`);
    // One call first so "no such model" is told apart from "no such version/alias".
    const registered = await this.call(() => this.client.getRegisteredModel(name), modelMissing);
    switch (ref.kind) {
      case "version":
        return this.call(
          () => this.client.getModelVersion(name, ref.version),
          async () => {
            const versions = await allPages((t) => this.client.searchModelVersions({ filter: `name='${name.replace(/'/g, "\\'")}'`, pageToken: t })).catch(() => []);
            const list = versions.map((v) => v.version).sort((a, b) => Number(a) - Number(b));
            return new UserInputError(`${label}: version ${ref.version} does not exist` + (list.length ? ` (versions: ${list.join(", ")})` : ""));
          },
        );
      case "alias":
        return this.call(
          // An unknown alias is INVALID_PARAMETER_VALUE (400) on OSS servers, not a 404.
          () =>
            this.client.getModelVersionByAlias(name, ref.alias).catch((error: unknown) => {
              if (error instanceof MlflowApiError && error.errorCode === "INVALID_PARAMETER_VALUE") {
                throw new MlflowApiError(404, "RESOURCE_DOES_NOT_EXIST", error.message, error.endpoint);
              }
              throw error;
            }),
          () => {
            const aliases = (registered.aliases ?? []).map((a) => `@${a.alias}`);
            return new UserInputError(`${label}: alias @${ref.alias} does not exist` + (aliases.length ? ` (aliases: ${aliases.join(", ")})` : " (the model has no aliases)"));
          },
        );
      case "stage":
      case "latest": {
        const stages = ref.kind === "stage" ? [ref.stage] : [];
        const versions = await this.call(() => this.client.getLatestVersions(name, stages), modelMissing);
        const newest = versions.sort((a, b) => Number(b.version) - Number(a.version))[0];
        if (!newest) throw new UserInputError(`${label}: no version is in stage ${stages[0] ?? "any"}`);
        return newest;
      }
    }
  }

  async resolveRegistered(name: string, ref: RegisteredRef, source: string): Promise<ResolvedModel> {
    const version = await this.versionFor(name, ref);
    const uri = await this.call(
      () => this.client.getModelVersionDownloadUri(name, version.version),
      () => new UserInputError(`${describeRef(name, ref)}: the server has no download URI for version ${version.version}`),
    );
    let metrics: Record<string, number> | undefined;
    if (version.run_id) metrics = lastMetrics(await this.getRun(version.run_id).catch(() => ({ info: {}, data: {} }) as Run));
    const origin: ModelOrigin = {
      source,
      kind: "registry",
      registeredName: name,
      registeredVersion: version.version,
      ...(version.run_id ? { runId: version.run_id } : {}),
      ...(version.model_id ? { loggedModelId: version.model_id } : {}),
      ...(metrics ? { metrics } : {}),
    };
    return this.fetch(locate(this.client, uri, { name, version: version.version }), "model", origin);
  }

  async resolveLoggedModel(modelId: string, source: string): Promise<ResolvedModel> {
    const model = await this.call(
      () => this.client.getLoggedModel(modelId),
      () => new UserInputError(`logged model ${modelId} was not found on ${this.trackingUri}`),
    );
    const run = model.info.source_run_id ? await this.getRun(model.info.source_run_id).catch(() => undefined) : undefined;
    const metrics = run ? lastMetrics(run) : undefined;
    const origin: ModelOrigin = {
      source,
      kind: "logged-model",
      loggedModelId: modelId,
      ...(model.info.source_run_id ? { runId: model.info.source_run_id } : {}),
      ...(metrics ? { metrics } : {}),
    };
    return this.fetch(locate(this.client, model.info.artifact_uri), model.info.name || "model", origin);
  }

  private async fetch(location: Location, artifactPath: string, origin: ModelOrigin): Promise<ResolvedModel> {
    const displayName = artifactPath.split("/").filter(Boolean).pop() ?? "model";
    if (location.localDir) {
      return { dir: location.localDir, displayName, origin, downloadedBytes: 0, cleanup: async () => undefined };
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-lab-model-"));
    const dir = path.join(tmp, displayName);
    const cleanup = async () => fs.rmSync(tmp, { recursive: true, force: true });
    try {
      const result = await downloadTree(location.tree!, dir);
      if (result.files === 0) throw new UserInputError(`${origin.source}: no files at ${location.description}`);
      return { dir, displayName, origin, downloadedBytes: result.bytes, cleanup };
    } catch (error) {
      await cleanup();
      if (error instanceof MlflowUnreachableError) throw new OperationFailedError(error.message);
      if (error instanceof MlflowApiError) throw new OperationFailedError(`downloading ${location.description}: ${error.message}`);
      throw error;
    }
  }
}
