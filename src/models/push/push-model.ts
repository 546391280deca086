import { AnonymousCredential, ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import type { TokenCredential } from "@azure/core-auth";
import { ArmError, type ArmClient } from "../../azure";
import { describeNetworkFailure } from "../../azure/retry";
import { OperationFailedError, UserInputError } from "../../errors";
import { registerSecret } from "../../secrets/redact";
import { AZURE_ML_MODEL_NAME } from "../../config/model-ref";
import { azureMlFlavors } from "../mlmodel";
import { readModelDir, type LocalModel } from "../model-dir";
import { resolveModelSource, type ResolveOptions, type ResolvedModel } from "../sources";
import { AzureMlAssets, workspacePath, type Datastore, type ModelVersionProperties, type WorkspaceRef } from "./azureml-assets";
import { recordIndicatorVersion, uploadModelFiles, type UploadProgress } from "./blob-upload";
import { azureMlObjectHash, md5OfFiles } from "./content-hash";
import { stageForNoCodeServing } from "./serving-env";

/**
 * push-model: MLflow model (folder, mlruns, runs:/, models:/) → the workspace's default blob
 * datastore under a content-hash path → an Azure ML model version (mlflow_model). Same content again
 * is a no-op that reports the existing version; different content under an existing version is an
 * error raised before anything is uploaded.
 */

export interface PushRequest {
  source: string;
  /** Azure ML model name. */
  name: string;
  version?: string;
  workspace: WorkspaceRef;
  arm: ArmClient;
  /** For identity-based datastores (no account key / SAS from listSecrets). */
  credential?: TokenCredential;
  resolve?: ResolveOptions;
  onStage?: (stage: "resolve" | "hash" | "upload" | "register", detail?: string) => void;
  onProgress?: (progress: UploadProgress) => void;
  /** Tests: called after each committed file; throwing interrupts the upload. */
  afterFile?: Parameters<typeof uploadModelFiles>[0]["afterFile"];
  uploadConcurrency?: number;
  blockSize?: number;
  /** Files above this size go up in parallel blocks (default 256 MiB, as the Azure SDK). */
  singleShotLimit?: number;
}

export interface PushResult {
  name: string;
  version: string;
  status: "registered" | "unchanged";
  modelUri: string;
  /** ARM id of the model version (what an online deployment's `model` takes). */
  id: string;
  datastore: string;
  path: string;
  contentHash: string;
  files: number;
  totalBytes: number;
  uploadedBytes: number;
  source: string;
  runId?: string;
  /**
   * Packages added to the uploaded copy's conda.yaml / requirements.txt so Azure ML's no-code deployments
   * start (./serving-env.ts); empty when the model already named them.
   */
  servingPackagesAdded: string[];
}

/** Positive whole numbers without leading zeros ("03" would be a second name for 3). */
const MODEL_VERSION_PATTERN = /^[1-9][0-9]{0,8}$/;

export function modelUriFor(ws: WorkspaceRef, datastore: string, path: string): string {
  return `azureml://subscriptions/${ws.subscriptionId}/resourcegroups/${ws.resourceGroup}/workspaces/${ws.workspace}/datastores/${datastore}/paths/${path}`;
}

/** The datastore-relative path inside an azureml:// URI (long or short form), for comparing. */
export function pathOfModelUri(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  const m = /\/datastores\/([^/]+)\/paths\/(.+?)\/?$/i.exec(uri);
  return m ? `${m[1]!.toLowerCase()}/${m[2]}` : uri;
}

/** Blob service URL for a datastore; emulators (IP or localhost endpoints) use path-style URLs. */
export function blobServiceUrl(ds: Datastore): string {
  const account = ds.properties.accountName;
  const endpoint = ds.properties.endpoint ?? "core.windows.net";
  const protocol = ds.properties.protocol ?? "https";
  if (!account) throw new OperationFailedError(`datastore ${ds.name} has no storage account name`);
  if (/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(endpoint)) return `${protocol}://${endpoint}/${account}`;
  return `${protocol}://${account}.blob.${endpoint}`;
}

/**
 * A blob transfer that failed for the network (no HTTP answer), in words; undefined for anything else.
 * The storage SDK reports these as a RestError whose code is the socket's (or REQUEST_SEND_ERROR), or as
 * an AbortError.
 */
export function uploadNetworkFailure(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  if ((error as { statusCode?: number }).statusCode !== undefined) return undefined;
  return describeNetworkFailure(error, "the storage host").words;
}

function folderName(displayName: string): string {
  // azure-ai-ml rejects an mlflow_model path whose last segment contains a dot.
  const cleaned = displayName.replace(/[^A-Za-z0-9_-]/g, "_");
  return cleaned && !/^_+$/.test(cleaned) ? cleaned : "model";
}

function describeArmFailure(error: ArmError, ws: WorkspaceRef, what: string): Error {
  if (error.status === 404 && ["ResourceNotFound", "ResourceGroupNotFound", "SubscriptionNotFound", "ParentResourceNotFound", "WorkspaceNotFound"].includes(error.code)) {
    return new UserInputError(
      `Azure ML workspace ${ws.workspace} was not found in resource group ${ws.resourceGroup} of subscription ${ws.subscriptionId} (${error.code}); check --workspace / --resource-group / --subscription or the stack`,
    );
  }
  if (error.status === 401 || error.status === 403) {
    return new OperationFailedError(`${what}: Azure refused access (${error.code}); sign in (az login) or check your role on ${ws.workspace}`);
  }
  return new OperationFailedError(`${what}: ${error.code}: ${error.message}`);
}

async function armStep<T>(ws: WorkspaceRef, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ArmError) throw describeArmFailure(error, ws, what);
    throw error;
  }
}

function containerFor(ds: Datastore, secrets: { secretsType: string; key?: string; sasToken?: string }, credential?: TokenCredential): ContainerClient {
  const container = ds.properties.containerName;
  if (!container) throw new OperationFailedError(`datastore ${ds.name} has no container name`);
  const service = blobServiceUrl(ds);
  if (secrets.secretsType === "AccountKey" && secrets.key) {
    return new ContainerClient(`${service}/${container}`, new StorageSharedKeyCredential(ds.properties.accountName!, secrets.key));
  }
  if (secrets.secretsType === "Sas" && secrets.sasToken) {
    const sas = secrets.sasToken.replace(/^\?/, "");
    return new ContainerClient(`${service}/${container}?${sas}`, new AnonymousCredential());
  }
  if (credential) return new ContainerClient(`${service}/${container}`, credential);
  throw new OperationFailedError(`datastore ${ds.name} returned no account key or SAS; identity-based datastores need a signed-in Azure credential`);
}

function tagsFor(model: LocalModel, resolved: ResolvedModel): Record<string, string> {
  const tags: Record<string, string> = { source: resolved.origin.source.slice(0, 256), flavors: Object.keys(model.mlmodel.flavors).join(",") };
  const runId = resolved.origin.runId ?? model.mlmodel.runId;
  if (runId) tags["mlflow.run_id"] = runId;
  if (model.mlmodel.mlflowVersion) tags.mlflow_version = model.mlmodel.mlflowVersion;
  if (model.mlmodel.modelId ?? resolved.origin.loggedModelId) tags["mlflow.model_id"] = (model.mlmodel.modelId ?? resolved.origin.loggedModelId)!;
  if (resolved.origin.registeredName) tags["mlflow.registered_model"] = `${resolved.origin.registeredName}:${resolved.origin.registeredVersion}`;
  for (const [key, value] of Object.entries(resolved.origin.metrics ?? {})) tags[`metric.${key}`] = String(value);
  return tags;
}

export async function pushModel(request: PushRequest): Promise<PushResult> {
  const { workspace: ws } = request;
  if (!AZURE_ML_MODEL_NAME.test(request.name)) {
    throw new UserInputError(`--name ${JSON.stringify(request.name)}: Azure ML model names take letters, digits, '-', '_' and '.', starting with a letter or digit`);
  }
  // Azure ML refuses anything but a positive whole number as a model version (Azure/azureml-examples#2725);
  // checked here, before anything is resolved or uploaded.
  if (request.version !== undefined && !MODEL_VERSION_PATTERN.test(request.version)) {
    throw new UserInputError(`--version ${JSON.stringify(request.version)} is not a model version; Azure ML model versions are whole numbers from 1, such as 1, 2 or 3`);
  }

  request.onStage?.("resolve", request.source);
  const resolved = await resolveModelSource(request.source, request.resolve);
  let stage: ReturnType<typeof stageForNoCodeServing> | undefined;
  try {
    readModelDir(resolved.dir);
    // What is hashed and uploaded is the model as Azure ML serves it, with its serving packages.
    stage = stageForNoCodeServing(resolved.dir);
    const model = readModelDir(stage.dir);
    const assets = new AzureMlAssets(request.arm, ws);
    await armStep(ws, "reading the workspace", () => assets.getWorkspace());

    request.onStage?.("hash", `${model.files.length} files, ${model.totalBytes} bytes`);
    const contentHash = azureMlObjectHash(stage.dir);
    const datastore = await armStep(ws, "finding the default datastore", () => assets.defaultDatastore());
    const path = `LocalUpload/${contentHash}/${folderName(resolved.displayName)}`;
    const modelUri = modelUriFor(ws, datastore.name, path);
    const wanted = pathOfModelUri(modelUri);

    // Decide the version before uploading, so a conflict costs no transfer.
    let version = request.version;
    if (version !== undefined) {
      const existing = await armStep(ws, "reading the model version", () => assets.getModelVersion(request.name, version!));
      if (existing) {
        if (pathOfModelUri(existing.properties.modelUri) === wanted) {
          return unchanged(existing.id, version);
        }
        throw new UserInputError(
          `${request.name}:${version} already exists in ${ws.workspace} with different content (${existing.properties.modelUri ?? "no path"}); push without --version to get the next one, or pick an unused --version`,
        );
      }
    } else {
      const versions = await armStep(ws, "listing model versions", () => assets.listModelVersions(request.name));
      const same = versions.find((v) => pathOfModelUri(v.properties.modelUri) === wanted);
      if (same) return unchanged(same.id, same.name);
      const container = await armStep(ws, "reading the model", () => assets.getModelContainer(request.name));
      const numbers = versions.map((v) => Number(v.name)).filter(Number.isInteger);
      version = container?.properties.nextVersion ?? String(numbers.length ? Math.max(...numbers) + 1 : 1);
    }

    request.onStage?.("upload", `${datastore.name}/${path}`);
    const secrets = await armStep(ws, `reading the secrets of datastore ${datastore.name}`, () => assets.datastoreSecrets(datastore.name));
    // An SDK or runtime error may quote the key or the SAS (a request URL, a header): masked by value in all output.
    const secretValues = secrets as { key?: string; sasToken?: string };
    registerSecret(secretValues.key);
    const sas = secretValues.sasToken?.replace(/^\?/, "");
    registerSecret(sas);
    registerSecret(sas ? (new URLSearchParams(sas).get("sig") ?? undefined) : undefined);
    const container = containerFor(datastore, secrets as { secretsType: string; key?: string; sasToken?: string }, request.credential);
    let upload;
    try {
      upload = await uploadModelFiles({
        container,
        prefix: path,
        files: model.files,
        md5: md5OfFiles(model.files),
        assetName: request.name,
        assetVersion: version,
        onProgress: request.onProgress,
        afterFile: request.afterFile,
        concurrency: request.uploadConcurrency,
        blockSize: request.blockSize,
        singleShotLimit: request.singleShotLimit,
      });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== undefined) throw new OperationFailedError(`uploading to datastore ${datastore.name} failed (${status}); run push-model again to resume`);
      const network = uploadNetworkFailure(error);
      if (network) {
        throw new OperationFailedError(
          `uploading to storage account ${datastore.properties.accountName}, container ${datastore.properties.containerName} (datastore ${datastore.name}) failed: ${network}; ` +
            "run the same command again to resume (files already uploaded are not sent again)",
        );
      }
      throw error;
    }

    request.onStage?.("register", `${request.name}:${version}`);
    const properties: ModelVersionProperties = {
      modelType: "mlflow_model",
      modelUri,
      description: `MLflow model from ${resolved.origin.source}`.slice(0, 512),
      tags: tagsFor(model, resolved),
      properties: {
        ...(resolved.origin.runId ?? model.mlmodel.runId ? { "mlflow.run_id": (resolved.origin.runId ?? model.mlmodel.runId)! } : {}),
        "azureml.content_hash": contentHash,
      },
      flavors: azureMlFlavors(model.mlmodel),
    };
    const put = await armStep(ws, `registering ${request.name}:${version}`, () => assets.putModelVersion(request.name, version!, properties));
    await recordIndicatorVersion(container, path, model.files, request.name, version).catch(() => undefined);
    return {
      name: request.name,
      version,
      status: "registered",
      modelUri,
      id: put.resource.id ?? `${workspacePath(ws)}/models/${request.name}/versions/${version}`,
      datastore: datastore.name,
      path,
      contentHash,
      files: model.files.length,
      totalBytes: model.totalBytes,
      uploadedBytes: upload.uploadedBytes,
      source: resolved.origin.source,
      ...(resolved.origin.runId ? { runId: resolved.origin.runId } : {}),
      servingPackagesAdded: stage.added,
    };

    function unchanged(id: string, existingVersion: string): PushResult {
      return {
        name: request.name,
        version: existingVersion,
        status: "unchanged",
        modelUri,
        id,
        datastore: datastore.name,
        path,
        contentHash,
        files: model.files.length,
        totalBytes: model.totalBytes,
        uploadedBytes: 0,
        source: resolved.origin.source,
        ...(resolved.origin.runId ? { runId: resolved.origin.runId } : {}),
        servingPackagesAdded: stage!.added,
      };
    }
  } finally {
    stage?.cleanup();
    await resolved.cleanup();
  }
}
