import { parseLabConfig, type CatalogMode, type ComputeKind, type LabConfig } from "../config/lab-config";
import type { EndpointKind, EndpointSize, ServingSize } from "../config/endpoint-sizes";
import type { DatasetFetcher } from "./databricks/assets";

/**
 * What `new MlflowLab(name, args)` takes: the lab's stack config keys (README "Configuration", Pulumi.yaml)
 * as typed fields, validated by the same parser with the same defaults and one-line errors, plus how the
 * dataset is fetched. Plain values rather than Inputs: they decide which resources exist and their names,
 * which Pulumi must know before anything is created.
 */
export interface MlflowLabArgs {
  /**
   * Who the lab belongs to: a user principal name (`user@domain`) or a service principal's application id
   * (GUID). Becomes the cluster's single user, the Unity Catalog grantee and the `lab-owner` tag. Required.
   */
  owner: string;
  /**
   * Azure region for every lab resource, as an ARM name (`eastus`, `westeurope`).
   * @default "eastus"
   */
  region?: string;
  /**
   * 7 lowercase letters or digits used in every Azure name (`msl-<suffix>`, `databricks-<suffix>`, the
   * storage account, Key Vault and registry). Two labs in one subscription need different suffixes.
   * @default derived from the project, the stack, the subscription and (unless it is `lab`) the
   * component's name: stable for the stack, different for each lab in it
   */
  suffix?: string;
  /**
   * Lab lifetime from creation (`30m`, `8h`, `2d`, `1h30m`, at most 30d), written to the `lab-expires-at`
   * tag that `mlflow-lab cleanup` reads.
   * @default "8h"
   */
  ttl?: string;
  /**
   * `unity`: data in a Unity Catalog volume, model in the Unity Catalog registry (accounts created today).
   * `legacy`: DBFS root, Hive metastore and workspace model registry, for accounts that still have them.
   * @default "unity"
   */
  catalogMode?: CatalogMode;
  /**
   * `unity` only: the Unity Catalog catalog that holds the lab's schema `mlflow_lab`.
   * @default the workspace's own catalog, named after the workspace (`databricks-<suffix>`)
   */
  catalog?: string;
  /**
   * `classic`: a single-node cluster on VMs (needs vCPU quota in the region). `serverless`: a Serverless
   * workspace and serverless notebook compute (no VMs, no quota; Unity Catalog only).
   * @default "classic"
   */
  compute?: ComputeKind;
  /**
   * VM size of the single-node Databricks cluster (a CPU size; `classic` compute only).
   * @default "Standard_DS3_v2"
   */
  nodeType?: string;
  /**
   * Databricks ML runtime of the cluster; 16.4 LTS ML is the last one the lab notebook's logging code works on.
   * @default "16.4.x-cpu-ml-scala2.12"
   */
  sparkVersion?: string;
  /**
   * Idle minutes before the cluster stops (Databricks accepts 10-10000).
   * @default 20
   */
  autoterminationMinutes?: number;
  /**
   * The Databricks Model Serving endpoint. Enable it once the notebook has registered the model.
   * @default {"enabled":false,"name":"predict-penguin","size":"Small","scaleToZero":true}
   */
  databricksServing?: DatabricksServingArgs;
  /**
   * Create the Azure ML workspace (with its storage, Key Vault, Log Analytics and Application Insights).
   * @default false
   */
  azureMl?: boolean;
  /**
   * Azure serving endpoints for Azure ML model versions (pushed with `mlflow-lab push-model`); needs `azureMl`.
   * @default []
   */
  endpoints?: EndpointArgs[];
  /**
   * Public URL of the lab's `penguins.csv`, fetched at deploy time and placed in the lab's volume (unity)
   * or at `dbfs:/mlflow_lab/penguins.csv` (legacy).
   * @default "https://raw.githubusercontent.com/MicrosoftLearning/mslearn-databricks/main/data/penguins.csv"
   */
  datasetUrl?: string;
  /**
   * Expected sha256 of the dataset; the deploy stops if the download differs.
   * @default "cd482e6a864dc8796271948c031eeee8987146dfaf4b1a40451fab967b2a334a"
   */
  datasetSha256?: string;
  /**
   * The class this lab belongs to (`mlflow-lab class`): 1-40 lower-case letters, digits and `-`, written to
   * the `class-id` tag on everything the lab creates, which `class status` and `class down` find it by.
   * @default none: not a class's lab
   */
  classId?: string;
  /**
   * The class's learners this lab is for. Each becomes a workspace user (not an admin) with a single-user
   * cluster and a folder of their own and permissions on those alone; with an `objectId` (Entra object id)
   * also Reader on the lab's resource group.
   * @default []
   */
  learners?: ClassLearnerArgs[];
  /**
   * Supplies the dataset's content (base64) for `datasetUrl` and `datasetSha256`. Tests and offline runs
   * pass a placeholder so nothing is downloaded.
   * @default downloads the file during preview and up and checks its sha256 (`fetchVerifiedDataset`)
   */
  fetchDataset?: DatasetFetcher;
}

export interface DatabricksServingArgs {
  /**
   * Create the endpoint. The model version must exist in the registry first.
   * @default false
   */
  enabled?: boolean;
  /**
   * Endpoint name in the workspace.
   * @default "predict-penguin"
   */
  name?: string;
  /**
   * The registered model version to serve, `name:version`: a three-level `catalog.schema.model` or a name
   * in the lab's schema (unity), a workspace-registry name (legacy).
   * @default "penguin_predictor:1" (unity), "Penguin Predictor:1" (legacy): the notebook's model
   */
  model?: string;
  /**
   * Workload size.
   * @default "Small"
   */
  size?: ServingSize;
  /**
   * Scale to zero when idle.
   * @default true
   */
  scaleToZero?: boolean;
}

export interface ClassLearnerArgs {
  /** The learner's user principal name or email, as the workspace knows them. */
  learner: string;
  /**
   * The learner's Entra object id (GUID), for the Reader role on the lab's resource group.
   * @default none: no role in Azure, only the Databricks access
   */
  objectId?: string;
}

export interface EndpointArgs {
  /** 3-24 lowercase letters, digits or `-`, unique in the lab; the Azure name adds the lab suffix. */
  name: string;
  /** `aci` (a container group with an HTTPS proxy), `aks` (an Azure ML Kubernetes online endpoint) or `managed`. */
  kind: EndpointKind;
  /** The Azure ML model version to serve, `name:version` (e.g. `penguin-classifier:1`). */
  model: string;
  /**
   * Size of the container group, node pool or instances.
   * @default "small"
   */
  size?: EndpointSize;
}

/** The validated settings a lab is built from: the config without what only region selection reads. */
export type LabSettings = Omit<LabConfig, "nodeTypeFallbacks">;

/**
 * Validates a lab's args with the stack config's parser (same defaults, same one-line errors, prefixed with
 * the component's name). Throws before anything is registered.
 */
export function resolveLabArgs(labName: string, args: MlflowLabArgs): LabSettings {
  const { fetchDataset: _fetchDataset, ...raw } = args;
  let config: LabConfig;
  try {
    config = parseLabConfig(raw as Record<string, unknown>);
  } catch (error) {
    // The same error type (and exit code in the CLI), saying which lab it is about.
    if (error instanceof Error) error.message = `MlflowLab '${labName}': ${error.message}`;
    throw error;
  }
  const { nodeTypeFallbacks: _fallbacks, ...settings } = config;
  return settings;
}

/** The args that give back `config` (the Pulumi program's parsed stack config) through resolveLabArgs. */
export function labArgsFromConfig(config: LabSettings): MlflowLabArgs {
  const ref = (model: { name: string; version: string }) => `${model.name}:${model.version}`;
  return {
    owner: config.owner,
    region: config.region,
    ...(config.suffix !== undefined ? { suffix: config.suffix } : {}),
    ttl: config.ttl,
    catalogMode: config.catalogMode,
    ...(config.catalog !== undefined ? { catalog: config.catalog } : {}),
    compute: config.compute,
    nodeType: config.nodeType,
    sparkVersion: config.sparkVersion,
    autoterminationMinutes: config.autoterminationMinutes,
    databricksServing: { ...config.databricksServing, model: ref(config.databricksServing.model) },
    azureMl: config.azureMl,
    endpoints: config.endpoints.map((endpoint) => ({ ...endpoint, model: ref(endpoint.model) })),
    datasetUrl: config.datasetUrl,
    datasetSha256: config.datasetSha256,
    ...(config.classId !== undefined ? { classId: config.classId } : {}),
    learners: config.learners.map((learner) => ({ ...learner })),
  };
}
