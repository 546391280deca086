/**
 * The public library surface of azure-mlflow-lab (`import { MlflowLab } from "azure-mlflow-lab"`): the
 * lab as a Pulumi component, config parsing, region selection, cleanup policy, model push and scoring.
 * Everything else in the package is internal and may change between versions; this file is the one place
 * that says what is public. Functions that need the Azure SDK clients (live region signals, model push)
 * load them on first call, so a Pulumi program that only builds labs does not pay for them.
 */
import type { LiveRequest } from "./regions/sources/live";
import type { SignalsRequest, ResolvedSignals } from "./regions/select";
import type { RegionSignalsSnapshot } from "./regions/signals";
import type { PushRequest, PushResult } from "./models/push/push-model";

// The lab as a Pulumi component: new MlflowLab(name, args, opts).
export {
  MlflowLab,
  MLFLOW_LAB_TYPE,
  PROGRAM_LAB_NAME,
  fetchVerifiedDataset,
  resolveLabArgs,
  type DatabricksServingArgs,
  type DatasetFetcher,
  type EndpointArgs,
  type EndpointOutput,
  type LabOutputs,
  type LabSettings,
  type MlflowLabArgs,
  type MlflowLabOutputs,
} from "./lab";

// The stack config: the same keys, defaults and one-line errors as Pulumi.yaml and the CLI.
export {
  CATALOG_MODES,
  COMPUTE_KINDS,
  CONFIG_KEYS,
  PROJECT_NAME,
  parseLabConfig,
  type CatalogMode,
  type ComputeKind,
  type ConfigKeySpec,
  type DatabricksServingConfig,
  type EndpointConfig,
  type LabConfig,
} from "./config/lab-config";
export { ENDPOINT_KINDS, ENDPOINT_SIZES, SERVING_SIZES, type EndpointKind, type EndpointSize, type ServingSize } from "./config/endpoint-sizes";
export { PRESET_STACKS, readStackSettings, type StackSettings } from "./config/stack-settings";
export { LabTag, MANAGED_BY, labTags, type LabTagValues } from "./config/lab-tags";
export { labNames, type LabNames } from "./lab/naming";
export { deriveSuffix } from "./config/suffix";

// Region selection: signals (a snapshot file, the bundled example, or live from ARM) → pure ranking.
export { demandFromConfig, type Demand } from "./regions/demand";
export { NoEligibleRegionError, selectRegion, type EvaluateOptions, type RegionVerdict, type SelectionResult } from "./regions/evaluate";
export type { LiveSignals, ResolvedSignals, SignalsRequest } from "./regions/select";
export { loadSnapshotFile, parseSnapshot, type RegionSignalsSnapshot } from "./regions/signals";
export { loadExampleSnapshot } from "./regions/example";
export type { LiveRequest } from "./regions/sources/live";

/** Region signals for one subscription read live from ARM: usages, SKUs, providers, policy, serving. */
export async function readLiveSignals(request: LiveRequest): Promise<RegionSignalsSnapshot> {
  return (await import("./regions/sources/live")).readLiveSignals(request);
}

/** Signals from a snapshot file if given, live from ARM when credentials exist (request.live), else the bundled example. */
export async function resolveSignals(request: SignalsRequest): Promise<ResolvedSignals> {
  return (await import("./regions/select")).resolveSignals(request);
}

// Cleanup policy: may this resource group be deleted, and why not.
export { RULES, decideGroup, decideTeardownGroup, type CleanupPolicySettings, type GroupDecision, type Verdict } from "./removal/policy";
export type { ResourceGroupRecord } from "./removal/records";

// Push an MLflow model (folder, run or registry URI) into an Azure ML workspace.
export type { PushRequest, PushResult } from "./models/push/push-model";

/** Uploads an MLflow model's files to the workspace's datastore and registers them as a model version. */
export async function pushModel(request: PushRequest): Promise<PushResult> {
  return (await import("./models/push/push-model")).pushModel(request);
}
export { parseWorkspaceId, type WorkspaceRef } from "./models/push/azureml-assets";
export { parseMlmodel, type MlmodelInfo } from "./models/mlmodel";
export { createArmClient, ArmClient } from "./azure/arm-client";
export { createCredential } from "./azure/credentials";

// Score an endpoint: CSV/JSON input → the endpoint kind's payload → one request → predictions.
export { parseScoringInput, parseCsv } from "./scoring/input";
export { buildPayload, type EndpointKind as ScoringEndpointKind, type PayloadFormat } from "./scoring/payload";
export { conformTable } from "./scoring/conform";
export { sendScoringRequest, EndpointError, type ScoreResult, type ScoringTarget } from "./scoring/endpoint-client";
export { endpointFromOutputs, type ResolvedEndpoint } from "./scoring/endpoint-lookup";
export type { Predictions } from "./scoring/response";

// Error types: UserInputError is bad input (the CLI exits 2), OperationFailedError a failed operation (1).
export { OperationFailedError, UserInputError } from "./errors";
