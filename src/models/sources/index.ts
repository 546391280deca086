import * as fs from "node:fs";
import * as path from "node:path";
import { UserInputError } from "../../errors";
import { authFromEnv, MlflowRegistryClient, type MlflowAuth } from "../registry-client";
import { MlrunsStore, isMlrunsStore } from "./mlruns-store";
import { parseSourceSpec, SourceSpecError, type SourceSpec } from "./source-spec";
import { TrackingServerSource } from "./tracking-server";
import type { ResolvedModel } from "./types";

export type { ModelOrigin, ResolvedModel } from "./types";
export { parseSourceSpec, type SourceSpec } from "./source-spec";

/**
 * Turns a push source into a local MLflow model folder: a folder on disk, an `mlruns` file store, or an
 * MLflow URI resolved against a tracking server (or against a file store given as the tracking URI).
 */

export interface ResolveOptions {
  /** `--tracking-uri`, else MLFLOW_TRACKING_URI. An http(s) URL, `databricks`, or a file store path / file: URI. */
  trackingUri?: string;
  /** For an mlruns folder source: pick the model of this run ... */
  runId?: string;
  /** ... at this artifact path / logged model name. */
  artifactPath?: string;
  auth?: MlflowAuth;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** What push-model's <source> takes, for the error when it names nothing. */
const ACCEPTED_SOURCES =
  "a model folder (with an MLmodel file), an mlruns folder, runs:/<run_id>/<path>, models:/<name>/<version> or models:/<name>@<alias>";

function fileStorePath(trackingUri: string): string | undefined {
  if (trackingUri.startsWith("file:")) return decodeURIComponent(new URL(trackingUri).pathname);
  if (/^[a-z][a-z0-9+.-]+:/i.test(trackingUri) && !/^[a-z]:[\\/]/i.test(trackingUri)) return undefined;
  return trackingUri;
}

export async function resolveModelSource(source: string, options: ResolveOptions = {}): Promise<ResolvedModel> {
  const env = options.env ?? process.env;
  let spec: SourceSpec;
  try {
    spec = parseSourceSpec(source);
  } catch (error) {
    if (error instanceof SourceSpecError) throw new UserInputError(error.message);
    throw error;
  }

  if (spec.kind === "path") {
    const dir = path.resolve(spec.path);
    if (!fs.existsSync(dir)) throw new UserInputError(`${spec.path} does not exist; the source is ${ACCEPTED_SOURCES}`);
    if (fs.existsSync(dir) && fs.statSync(dir).isDirectory() && isMlrunsStore(dir)) {
      const store = new MlrunsStore(dir);
      if (options.runId) return store.resolveRun(options.runId, options.artifactPath, source);
      const models = options.artifactPath
        ? store.models().filter((m) => m.name === options.artifactPath || m.artifactPath === options.artifactPath)
        : store.models();
      if (models.length === 1) {
        const only = models[0]!;
        return only.loggedModelId ? store.resolveLoggedModel(only.loggedModelId, source) : store.resolveRun(only.runId!, only.artifactPath, source);
      }
      if (models.length === 0) throw new UserInputError(`${spec.path} is an mlruns folder with no model${options.artifactPath ? ` named "${options.artifactPath}"` : ""}`);
      const list = models.slice(0, 6).map((m) => m.uri).join(", ");
      throw new UserInputError(`${spec.path} holds ${models.length} models (${list}${models.length > 6 ? ", ..." : ""}); choose one with --run-id <id> [--artifact-path <path>]`);
    }
    // A model folder (or a broken one): readModelDir gives the precise error later.
    return { dir, displayName: path.basename(dir), origin: { source, kind: "local" }, downloadedBytes: 0, cleanup: async () => undefined };
  }

  const trackingUri = options.trackingUri ?? env.MLFLOW_TRACKING_URI;
  if (!trackingUri) {
    throw new UserInputError(`${source} needs a tracking server: pass --tracking-uri <url> or set MLFLOW_TRACKING_URI`);
  }
  const storePath = fileStorePath(trackingUri);
  if (storePath !== undefined) {
    const root = path.resolve(storePath);
    if (!fs.existsSync(root) || !isMlrunsStore(root)) throw new UserInputError(`--tracking-uri ${trackingUri} is neither an http(s) URL nor an mlruns folder`);
    const store = new MlrunsStore(root);
    switch (spec.kind) {
      case "run":
        return store.resolveRun(spec.runId, spec.artifactPath, source);
      case "registered":
        return store.resolveRegistered(spec.name, spec.ref, source);
      case "logged-model":
        return store.resolveLoggedModel(spec.modelId, source);
    }
  }

  let client: MlflowRegistryClient;
  try {
    client = new MlflowRegistryClient({ trackingUri, auth: options.auth ?? authFromEnv(env), timeoutMs: options.timeoutMs });
  } catch (error) {
    throw new UserInputError(`--tracking-uri: ${(error as Error).message}`);
  }
  return new TrackingServerSource(client, client.baseUrl).resolve(spec, source);
}
