/**
 * A small typed client for the MLflow REST API (tracking + model registry + artifacts), on fetch.
 *
 * Why we write it: the npm `mlflow` package (2.0.7) is a 2019-era tracking-only client that calls
 * endpoints removed in MLflow 2.0 and has no model registry, artifact download or mlflow-artifacts
 * support. The REST surface we need is ~12 stable endpoints (see mlflow/protos/model_registry.proto,
 * service.proto and mlflow_artifacts.proto), the same on OSS servers, Databricks workspaces and the
 * Azure ML MLflow endpoint.
 */

import { describeNetworkFailure } from "../azure/retry";

export interface MlflowTag {
  key: string;
  value: string;
}

export interface RunInfo {
  run_id: string;
  experiment_id: string;
  run_name?: string;
  status?: string;
  artifact_uri: string;
  lifecycle_stage?: string;
  start_time?: number;
  end_time?: number;
}

export interface Run {
  info: RunInfo;
  data: {
    metrics?: Array<{ key: string; value: number; timestamp?: number; step?: number }>;
    params?: MlflowTag[];
    tags?: MlflowTag[];
  };
  /** MLflow 3: logged models produced by the run. */
  outputs?: { model_outputs?: Array<{ model_id: string; step?: number }> };
}

export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: "READY" | "PENDING_REGISTRATION" | "FAILED_REGISTRATION" | string;
  status_message?: string;
  tags?: MlflowTag[];
  aliases?: string[];
  model_id?: string;
}

export interface RegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: MlflowTag[];
  aliases?: Array<{ alias: string; version: string }>;
}

export interface LoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    artifact_uri: string;
    status?: string;
    source_run_id?: string;
    tags?: MlflowTag[];
  };
  data?: { params?: MlflowTag[]; metrics?: Array<{ key: string; value: number }> };
}

export interface ArtifactFile {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

export type MlflowAuth = { kind: "none" } | { kind: "bearer"; token: string } | { kind: "basic"; username: string; password: string };

/** The server answered with an MLflow error body (`{error_code, message}`) or an HTTP error. */
export class MlflowApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly endpoint: string,
  ) {
    super(message);
    this.name = "MlflowApiError";
  }
  get notFound(): boolean {
    return this.status === 404 || this.errorCode === "RESOURCE_DOES_NOT_EXIST";
  }
}

/** No HTTP answer at all (connection refused, DNS, timeout). Names the tracking URI, never credentials. */
export class MlflowUnreachableError extends Error {
  constructor(
    readonly trackingUri: string,
    readonly reason: string,
  ) {
    super(`MLflow tracking server ${trackingUri} is unreachable (${reason})`);
    this.name = "MlflowUnreachableError";
  }
}

export interface MlflowClientOptions {
  /** `http(s)://[user:password@]host[:port][/prefix]`, `databricks`, `azureml://…`. */
  trackingUri: string;
  auth?: MlflowAuth;
  /** Per request; downloads get the same budget per file. Default 60 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Credentials as the MLflow Python client reads them: MLFLOW_TRACKING_TOKEN (bearer), else
 * MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD (basic), else DATABRICKS_TOKEN (bearer).
 */
export function authFromEnv(env: NodeJS.ProcessEnv = process.env): MlflowAuth {
  if (env.MLFLOW_TRACKING_TOKEN) return { kind: "bearer", token: env.MLFLOW_TRACKING_TOKEN };
  if (env.MLFLOW_TRACKING_USERNAME && env.MLFLOW_TRACKING_PASSWORD) {
    return { kind: "basic", username: env.MLFLOW_TRACKING_USERNAME, password: env.MLFLOW_TRACKING_PASSWORD };
  }
  if (env.DATABRICKS_TOKEN) return { kind: "bearer", token: env.DATABRICKS_TOKEN };
  return { kind: "none" };
}

/** The URI as messages may show it: a `user:password@` part masked, with or without a scheme. */
function shownUri(trackingUri: string): string {
  return trackingUri.trim().replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?)[^/@\s]*@/i, "$1***@");
}

export interface TrackingServerUrl {
  /** The base URL requests go to and messages name: never with `user:password@`. */
  baseUrl: string;
  /** The `user:password@` the URI carried (the MLflow Python client sends it through requests as basic auth). */
  basic?: { username: string; password: string };
}

/**
 * Turns what users pass as a tracking URI into a base URL: `databricks` (or `databricks://profile`)
 * means DATABRICKS_HOST; Azure ML's `azureml://<region>.api.azureml.ms/...` is served over https. A
 * `user:password@` is taken out of the URL (fetch refuses such URLs with an error that quotes them, and
 * the base URL is printed in messages) and returned apart, for basic auth.
 */
export function parseTrackingUri(trackingUri: string, env: NodeJS.ProcessEnv = process.env): TrackingServerUrl {
  let uri = trackingUri.trim();
  if (/^databricks(:\/\/.*)?$/.test(uri)) {
    if (!env.DATABRICKS_HOST) throw new Error(`tracking URI "${shownUri(trackingUri)}" needs DATABRICKS_HOST (https://adb-<id>.<n>.azuredatabricks.net)`);
    uri = env.DATABRICKS_HOST.startsWith("http") ? env.DATABRICKS_HOST : `https://${env.DATABRICKS_HOST}`;
  } else if (uri.startsWith("azureml://")) {
    uri = `https://${uri.slice("azureml://".length)}`;
  }
  if (!/^https?:\/\//.test(uri)) throw new Error(`tracking URI "${shownUri(trackingUri)}" is not an http(s) URL`);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error(`tracking URI "${shownUri(trackingUri)}" is not a valid URL`);
  }
  if (!url.username && !url.password) return { baseUrl: uri.replace(/\/+$/, "") };
  const basic = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = "";
  url.password = "";
  return { baseUrl: url.toString().replace(/\/+$/, ""), basic };
}

export function isDatabricksHost(baseUrl: string): boolean {
  return /\.(azuredatabricks\.net|cloud\.databricks\.com|gcp\.databricks\.com)(:\d+)?(\/|$)/.test(baseUrl);
}

function authHeader(auth: MlflowAuth): Record<string, string> {
  switch (auth.kind) {
    case "bearer":
      return { authorization: `Bearer ${auth.token}` };
    case "basic":
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` };
    default:
      return {};
  }
}

type Query = Record<string, string | number | undefined>;

export class MlflowRegistryClient {
  readonly baseUrl: string;
  private readonly auth: MlflowAuth;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: MlflowClientOptions) {
    const { baseUrl, basic } = parseTrackingUri(options.trackingUri);
    this.baseUrl = baseUrl;
    // As in MLflow, credentials from the environment (passed in as `auth`) win over the URI's own.
    const given = options.auth ?? { kind: "none" };
    this.auth = given.kind === "none" && basic ? { kind: "basic", ...basic } : given;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /**
   * The same client (credentials, fetch, timeout) pointed at another base URL: an
   * `mlflow-artifacts://host/...` URI names the server that proxies the artifacts, and MLflow's Python
   * client sends it the tracking server's credentials too.
   */
  withBaseUrl(baseUrl: string): MlflowRegistryClient {
    return new MlflowRegistryClient({ trackingUri: baseUrl, auth: this.auth, timeoutMs: this.timeoutMs, fetch: this.fetchImpl });
  }

  /** Raw request against the server; JSON in, JSON out, typed errors. */
  private async request<T>(method: "GET" | "POST", apiPath: string, query?: Query, body?: unknown): Promise<T> {
    const url = new URL(`${this.baseUrl}${apiPath}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: {
          accept: "application/json",
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...authHeader(this.auth),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new MlflowUnreachableError(this.baseUrl, describeNetworkFailure(error).brief);
    }
    const text = await response.text();
    if (!response.ok) throw this.errorFrom(response.status, text, apiPath);
    if (text.trim() === "") return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new MlflowApiError(response.status, "INVALID_RESPONSE", `${apiPath} did not return JSON (is ${this.baseUrl} an MLflow server?)`, apiPath);
    }
  }

  private errorFrom(status: number, text: string, apiPath: string): MlflowApiError {
    let code = `HTTP_${status}`;
    let message = `${apiPath} answered HTTP ${status}`;
    try {
      const parsed = JSON.parse(text) as { error_code?: string; message?: string };
      if (parsed.error_code) code = parsed.error_code;
      if (parsed.message) message = parsed.message;
    } catch {
      // not an MLflow error body (proxy, HTML page)
    }
    if (status === 401 || status === 403) {
      message = `${this.baseUrl} refused the credentials (HTTP ${status}); set MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME/PASSWORD or DATABRICKS_TOKEN`;
    }
    return new MlflowApiError(status, code, message, apiPath);
  }

  private api<T>(method: "GET" | "POST", endpoint: string, query?: Query, body?: unknown): Promise<T> {
    return this.request<T>(method, `/api/2.0/mlflow/${endpoint}`, query, body);
  }

  // --- runs -----------------------------------------------------------------------------------------

  async getRun(runId: string): Promise<Run> {
    const res = await this.api<{ run: Run }>("GET", "runs/get", { run_id: runId });
    return res.run;
  }

  /** One page of `artifacts/list` for a run; paths come back relative to the run's artifact root. */
  async listRunArtifacts(runId: string, path?: string, pageToken?: string): Promise<Page<ArtifactFile> & { rootUri?: string }> {
    const res = await this.api<{ root_uri?: string; files?: ArtifactFile[]; next_page_token?: string }>("GET", "artifacts/list", {
      run_id: runId,
      path,
      page_token: pageToken,
    });
    return { items: res.files ?? [], nextPageToken: res.next_page_token || undefined, rootUri: res.root_uri };
  }

  // --- MLflow 3 logged models -----------------------------------------------------------------------

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    const res = await this.api<{ model: LoggedModel }>("GET", `logged-models/${encodeURIComponent(modelId)}`);
    return res.model;
  }

  // --- registry -------------------------------------------------------------------------------------

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const res = await this.api<{ registered_model: RegisteredModel }>("GET", "registered-models/get", { name });
    return res.registered_model;
  }

  async searchRegisteredModels(options: { filter?: string; maxResults?: number; pageToken?: string } = {}): Promise<Page<RegisteredModel>> {
    const res = await this.api<{ registered_models?: RegisteredModel[]; next_page_token?: string }>("GET", "registered-models/search", {
      filter: options.filter,
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
    return { items: res.registered_models ?? [], nextPageToken: res.next_page_token || undefined };
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const res = await this.api<{ model_version: ModelVersion }>("GET", "model-versions/get", { name, version });
    return res.model_version;
  }

  async searchModelVersions(options: { filter?: string; maxResults?: number; orderBy?: string; pageToken?: string } = {}): Promise<Page<ModelVersion>> {
    const res = await this.api<{ model_versions?: ModelVersion[]; next_page_token?: string }>("GET", "model-versions/search", {
      filter: options.filter,
      max_results: options.maxResults,
      order_by: options.orderBy,
      page_token: options.pageToken,
    });
    return { items: res.model_versions ?? [], nextPageToken: res.next_page_token || undefined };
  }

  /** Where the version's files really are (`mlflow-artifacts:/…`, `dbfs:/…`, `s3://…`, `file://…`). */
  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    const res = await this.api<{ artifact_uri: string }>("GET", "model-versions/get-download-uri", { name, version });
    return res.artifact_uri;
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const res = await this.api<{ model_version: ModelVersion }>("GET", "registered-models/alias", { name, alias });
    return res.model_version;
  }

  /** Deprecated stages (Staging/Production/...) for `models:/name/Production`. */
  async getLatestVersions(name: string, stages: string[]): Promise<ModelVersion[]> {
    const res = await this.api<{ model_versions?: ModelVersion[] }>("POST", "registered-models/get-latest-versions", undefined, { name, stages });
    return res.model_versions ?? [];
  }

  // --- proxied artifacts (mlflow-artifacts:) --------------------------------------------------------

  /** Lists one directory under the server's artifact root; returned paths are basenames. */
  async listProxiedArtifacts(path: string): Promise<ArtifactFile[]> {
    const res = await this.request<{ files?: ArtifactFile[] }>("GET", "/api/2.0/mlflow-artifacts/artifacts", { path: path || undefined });
    return res.files ?? [];
  }

  /** Downloads one proxied artifact; the body is a stream so large files never sit in memory. */
  downloadProxiedArtifact(path: string): Promise<Response> {
    const encoded = path.split("/").map(encodeURIComponent).join("/");
    return this.fetchBinary(`${this.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${encoded}`, authHeader(this.auth));
  }

  // --- Databricks workspace registry ----------------------------------------------------------------

  async listDatabricksModelArtifacts(name: string, version: string, path?: string, pageToken?: string): Promise<Page<ArtifactFile>> {
    const res = await this.api<{ files?: ArtifactFile[]; next_page_token?: string }>("GET", "model-versions/list-artifacts", {
      name,
      version,
      path,
      page_token: pageToken,
    });
    return { items: res.files ?? [], nextPageToken: res.next_page_token || undefined };
  }

  async getDatabricksSignedDownloadUri(name: string, version: string, path: string): Promise<{ url: string; headers: Record<string, string> }> {
    const res = await this.api<{ signed_uri: string; headers?: Array<{ name: string; value: string }> }>("GET", "model-versions/get-signed-download-uri", {
      name,
      version,
      path,
    });
    return { url: res.signed_uri, headers: Object.fromEntries((res.headers ?? []).map((h) => [h.name, h.value])) };
  }

  /** GET a file URL (signed or proxied) and return the response once it is known to be 2xx. */
  async fetchBinary(url: string, headers: Record<string, string> = {}): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, { headers, signal: AbortSignal.timeout(this.timeoutMs * 10) });
    } catch (error) {
      throw new MlflowUnreachableError(new URL(url).origin, describeNetworkFailure(error).brief);
    }
    if (!response.ok) {
      const text = await response.text();
      throw this.errorFrom(response.status, text, new URL(url).pathname);
    }
    return response;
  }
}

/** Walks every page of a paged call. */
export async function allPages<T>(fetchPage: (token?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await fetchPage(token);
    items.push(...page.items);
    token = page.nextPageToken;
    if (token !== undefined) {
      if (seen.has(token)) break; // a server that repeats its token would loop forever
      seen.add(token);
    }
  } while (token);
  return items;
}
