import { UserInputError } from "../errors";
import { parseRegionName } from "./azure-regions";
import { formatDuration, parseDurationSeconds } from "./duration";
import { GUID_PATTERN } from "./guid";
import {
  ENDPOINT_KINDS,
  ENDPOINT_SIZES,
  SERVING_SIZES,
  type EndpointKind,
  type EndpointSize,
  type ServingSize,
} from "./endpoint-sizes";
import { AZURE_ML_MODEL_NAME, parseModelRef, type ModelRef } from "./model-ref";
import { SUFFIX_PATTERN } from "./suffix";

/**
 * The typed lab configuration: every stack key of the `azure-mlflow-lab` project, with defaults applied
 * and validated. `parseLabConfig` is pure (no Pulumi, no I/O), so the Pulumi program, the offline plan,
 * the setup flow and the region selector all read config the same way, and a bad value fails with one
 * line naming the key before any resource is registered.
 */
export const PROJECT_NAME = "azure-mlflow-lab";

export type OwnerKind = "user" | "servicePrincipal";

/**
 * Where the lab keeps its data and registers its model. `unity`: a Unity Catalog volume and the Unity
 * Catalog model registry, what a Databricks account created today has. `legacy`: the DBFS root, the Hive
 * metastore and the workspace model registry, which only accounts that still have those features offer
 * (new accounts are provisioned without them: learn.microsoft.com/azure/databricks/dbfs, read 2026-12-03).
 */
export const CATALOG_MODES = ["unity", "legacy"] as const;
export type CatalogMode = (typeof CATALOG_MODES)[number];

/**
 * What runs the notebook. `classic`: a single-node cluster on VMs in the workspace's managed resource
 * group (subscription vCPU quota). `serverless`: a Serverless workspace and serverless notebook compute,
 * which use no VMs of the subscription and exist with Unity Catalog only.
 */
export const COMPUTE_KINDS = ["classic", "serverless"] as const;
export type ComputeKind = (typeof COMPUTE_KINDS)[number];

export interface DatabricksServingConfig {
  enabled: boolean;
  /** Endpoint name in the workspace; the lab uses `predict-penguin`. */
  name: string;
  /**
   * The registered model version to serve. legacy: a workspace-registry name (`Penguin Predictor`).
   * unity: a three-level `catalog.schema.model`, or a one-part name that lives in the lab's schema
   * (`penguin_predictor`, resolved to `<catalog>.mlflow_lab.penguin_predictor` by the program).
   */
  model: ModelRef;
  size: ServingSize;
  scaleToZero: boolean;
}

export interface EndpointConfig {
  /** Logical name from config; the Azure resource names add the lab suffix (see src/lab/naming.ts). */
  name: string;
  kind: EndpointKind;
  /** An Azure ML model version in the lab's Azure ML workspace (pushed with `mlflow-lab push-model`). */
  model: ModelRef;
  size: EndpointSize;
}

export interface LabConfig {
  region: string;
  owner: string;
  ownerKind: OwnerKind;
  /** Set when config pins the suffix; otherwise the program derives it (src/config/suffix.ts). */
  suffix?: string;
  /** Canonical duration text (`8h`, `1h30m`). */
  ttl: string;
  ttlSeconds: number;
  catalogMode: CatalogMode;
  /** unity only: the catalog of the lab's schema; unset = the workspace's own catalog. */
  catalog?: string;
  compute: ComputeKind;
  nodeType: string;
  nodeTypeFallbacks: string[];
  sparkVersion: string;
  autoterminationMinutes: number;
  databricksServing: DatabricksServingConfig;
  azureMl: boolean;
  endpoints: EndpointConfig[];
  datasetUrl: string;
  datasetSha256: string;
  /** Set when the lab is one of a class's (`mlflow-lab class up`): every resource gets a `class-id` tag. */
  classId?: string;
  /** The class's learners this lab is for: each gets workspace access, their own cluster and folder. */
  learners: ClassLearner[];
}

export interface ClassLearner {
  /** User principal name or email. */
  learner: string;
  /** Entra object id, for the Reader role on the lab's resource group. */
  objectId?: string;
}

export const LAB_DATASET_URL =
  "https://raw.githubusercontent.com/MicrosoftLearning/mslearn-databricks/main/data/penguins.csv";
export const LAB_DATASET_SHA256 = "cd482e6a864dc8796271948c031eeee8987146dfaf4b1a40451fab967b2a334a";

/**
 * Every key, declared once: its Pulumi.yaml type, default and meaning. The parser below takes its
 * defaults from here; Pulumi.yaml declares the same keys and the README's config table shows them, and
 * test/unit/config/project-file.test.ts keeps both equal to this list.
 */
export interface ConfigKeySpec {
  key: string;
  /** Pulumi.yaml `type`; undefined for objects and lists of objects, which Pulumi.yaml cannot type. */
  pulumiType?: "string" | "integer" | "boolean" | "array";
  default?: unknown;
  description: string;
}

const KEYS = {
  region: {
    pulumiType: "string",
    default: "eastus",
    description: "Azure region for every lab resource (ARM name such as eastus, westeurope).",
  },
  owner: {
    pulumiType: "string",
    description:
      "Who the lab belongs to: a user principal name (user@domain) or a service principal application id. Becomes the cluster's single user and the lab-owner tag. Required.",
  },
  suffix: {
    pulumiType: "string",
    description:
      "7 lowercase letters/digits used in every name (msl-<suffix>). Unset: derived from project, stack and subscription, stable for the stack.",
  },
  ttl: {
    pulumiType: "string",
    default: "8h",
    description: "Lab lifetime from creation, e.g. 30m, 8h, 2d, 1h30m; written to the lab-expires-at tag.",
  },
  catalogMode: {
    pulumiType: "string",
    default: "unity",
    description:
      "unity: data in a Unity Catalog volume, model in the Unity Catalog registry (accounts created today). legacy: DBFS root, Hive metastore and workspace model registry, for accounts that still have them.",
  },
  catalog: {
    pulumiType: "string",
    description:
      "unity only: the Unity Catalog catalog that holds the lab's schema mlflow_lab. Unset: the workspace's own catalog, named after the workspace (databricks-<suffix>).",
  },
  compute: {
    pulumiType: "string",
    default: "classic",
    description:
      "classic: a single-node cluster on VMs (needs vCPU quota in the region). serverless: a Serverless workspace and serverless notebook compute (no VMs, no quota; Unity Catalog only).",
  },
  nodeType: {
    pulumiType: "string",
    default: "Standard_DS3_v2",
    description: "VM size of the single-node Databricks cluster (non-GPU).",
  },
  nodeTypeFallbacks: {
    pulumiType: "array",
    default: ["Standard_D4ds_v5", "Standard_D4ads_v5"],
    description: "Ordered 4-vCPU sizes the region selector may use instead of nodeType when its quota is short.",
  },
  sparkVersion: {
    pulumiType: "string",
    default: "16.4.x-cpu-ml-scala2.12",
    description: "Databricks ML runtime of the cluster; 16.4 LTS ML is the last one the lab's logging code works on.",
  },
  autoterminationMinutes: {
    pulumiType: "integer",
    default: 20,
    description: "Idle minutes before the cluster stops (Databricks accepts 10-10000; the lab guardrail allows at most 60).",
  },
  databricksServing: {
    default: {
      enabled: false,
      name: "predict-penguin",
      size: "Small",
      scaleToZero: true,
    },
    description:
      "Databricks Model Serving endpoint {enabled, name, model 'name:version', size Small|Medium|Large, scaleToZero}. model defaults to the notebook's model: penguin_predictor:1 in the lab's schema (unity) or 'Penguin Predictor:1' (legacy). Enable after the model is registered.",
  },
  azureMl: {
    pulumiType: "boolean",
    default: false,
    description: "Create the Azure ML workspace (storage, Key Vault, Log Analytics, Application Insights) for the course.",
  },
  endpoints: {
    default: [],
    description:
      "Azure serving endpoints [{name, kind aci|aks|managed, model 'name:version' of an Azure ML model, size small|medium|large}]; needs azureMl.",
  },
  datasetUrl: {
    pulumiType: "string",
    default: LAB_DATASET_URL,
    description:
      "Public URL of penguins.csv, fetched at deploy time and placed in the lab's volume (unity) or at dbfs:/mlflow_lab/penguins.csv (legacy).",
  },
  datasetSha256: {
    pulumiType: "string",
    default: LAB_DATASET_SHA256,
    description: "Expected sha256 of the dataset; the deploy stops if the download differs.",
  },
  classId: {
    pulumiType: "string",
    description:
      "Set by `mlflow-lab class up`: the class this lab belongs to, written to a class-id tag on everything the lab creates (class status and class down find the class's labs by it).",
  },
  learners: {
    default: [],
    description:
      "Set by `mlflow-lab class up`: the learners of this lab [{learner, objectId}]. Each becomes a workspace user with their own single-user cluster and folder and permissions on nothing else; with an objectId also Reader on the lab's resource group.",
  },
} as const satisfies Record<string, Omit<ConfigKeySpec, "key">>;

export const CONFIG_KEYS: readonly ConfigKeySpec[] = Object.entries(KEYS).map(([key, spec]) => ({ key, ...spec }));

/** The model the notebook registers when config names none, per catalog mode. */
export const DEFAULT_SERVING_MODEL: Readonly<Record<CatalogMode, string>> = {
  unity: "penguin_predictor:1",
  legacy: "Penguin Predictor:1",
};
const KNOWN_KEYS = new Set(Object.keys(KEYS));
const SERVING_KEYS = new Set(["enabled", "name", "model", "size", "scaleToZero"]);
const ENDPOINT_KEYS = new Set(["name", "kind", "model", "size"]);
const LEARNER_KEYS = new Set(["learner", "objectId"]);
/** Class ids become tag values, stack and file names (src/classroom/units.ts CLASS_ID_PATTERN). */
const CLASS_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** Databricks node type ids look like `Standard_DS3_v2`, `Standard_D4ds_v5`, `Standard_M8-2ms`. */
export const NODE_TYPE_PATTERN = /^Standard_[A-Z][A-Za-z0-9]*(?:-\d+[a-z]*)?(?:_v\d+)?$/;
/** An ML runtime on CPU, e.g. `16.4.x-cpu-ml-scala2.12`. */
const SPARK_ML_VERSION_PATTERN = /^\d+\.\d+\.x-cpu-ml-scala\d+\.\d+$/;
/** Endpoint names become `<name>-<suffix>` (Azure ML endpoint names: 3-32 chars, unique per region). */
const ENDPOINT_NAME_PATTERN = /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/;
/** Databricks serving endpoint names: letters, digits, `-` and `_`, at most 63 characters. */
const SERVING_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
/** Unity Catalog names: anything but `.`, space, `/` and control characters, at most 255 (sql-ref-names). */
const UNITY_NAME_PATTERN = /^[^.\s/\p{Cc}]{1,255}$/u;
const UPN_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const MAX_TTL_SECONDS = 30 * 86_400;

type Raw = Record<string, unknown>;

/**
 * Validates raw stack config (keys without the `azure-mlflow-lab:` prefix). Values may be native YAML
 * values (from a stack file) or strings (the Pulumi runtime hands every value over as a string, objects
 * and lists as JSON). Throws a UserInputError whose one line names the key and what is accepted.
 */
export function parseLabConfig(raw: Raw): LabConfig {
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) {
      fail(key, `is not a known key; known keys: ${[...KNOWN_KEYS].join(", ")}`);
    }
  }

  const region = parseRegion(raw.region);
  const { owner, ownerKind } = parseOwner(raw.owner);

  const suffix = optionalString("suffix", raw.suffix);
  if (suffix !== undefined && !SUFFIX_PATTERN.test(suffix)) {
    fail("suffix", `'${suffix}' is not 7 lowercase letters or digits (e.g. a1b2c3d); leave it unset to derive one`);
  }

  const ttlText = optionalString("ttl", raw.ttl) ?? KEYS.ttl.default;
  const ttlSeconds = parseDurationSeconds(ttlText);
  if (ttlSeconds === undefined) {
    fail("ttl", `'${ttlText}' is not a duration; use e.g. 30m, 8h, 2d or 1h30m`);
  }
  if (ttlSeconds > MAX_TTL_SECONDS) fail("ttl", `'${ttlText}' is longer than 30d; a lab lives for hours or days`);

  const { catalogMode, catalog, compute } = parseCatalogAndCompute(raw);

  const nodeType = parseNodeType(configKey("nodeType"), optionalString("nodeType", raw.nodeType) ?? KEYS.nodeType.default);
  const fallbacks = optionalStringList("nodeTypeFallbacks", raw.nodeTypeFallbacks) ?? [...KEYS.nodeTypeFallbacks.default];
  const nodeTypeFallbacks = fallbacks.map((value, i) => parseNodeType(configKey(`nodeTypeFallbacks[${i}]`), value));

  const sparkVersion = optionalString("sparkVersion", raw.sparkVersion) ?? KEYS.sparkVersion.default;
  if (!SPARK_ML_VERSION_PATTERN.test(sparkVersion)) {
    fail("sparkVersion", `'${sparkVersion}' is not a CPU ML runtime; use e.g. 16.4.x-cpu-ml-scala2.12`);
  }

  const autoterminationMinutes = optionalInteger("autoterminationMinutes", raw.autoterminationMinutes) ?? KEYS.autoterminationMinutes.default;
  if (autoterminationMinutes < 10 || autoterminationMinutes > 10_000) {
    fail("autoterminationMinutes", `${autoterminationMinutes} is outside 10-10000 minutes (Databricks' range)`);
  }

  const databricksServing = parseServing(raw.databricksServing, catalogMode);
  const azureMl = optionalBoolean("azureMl", raw.azureMl) ?? KEYS.azureMl.default;
  const endpoints = parseEndpoints(raw.endpoints);
  if (endpoints.length > 0 && !azureMl) {
    fail(
      "azureMl",
      `is false but endpoints are configured (${endpoints.map((e) => e.name).join(", ")}); set azureMl: true, the endpoints serve Azure ML models`,
    );
  }

  const datasetUrl = optionalString("datasetUrl", raw.datasetUrl) ?? KEYS.datasetUrl.default;
  if (!/^https:\/\/[^\s/]+\/\S+$/.test(datasetUrl)) {
    fail("datasetUrl", `'${datasetUrl}' is not an https URL of a file`);
  }
  const datasetSha256 = (optionalString("datasetSha256", raw.datasetSha256) ?? KEYS.datasetSha256.default).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(datasetSha256)) {
    fail("datasetSha256", "is not a sha256 hex digest (64 hex characters)");
  }

  const classId = optionalString("classId", raw.classId);
  if (classId !== undefined && classId !== "" && !CLASS_ID_PATTERN.test(classId)) {
    fail("classId", `'${classId}' is not a class id (1-40 lower-case letters, digits and '-')`);
  }
  const learners = parseLearners(raw.learners);

  return {
    region,
    owner,
    ownerKind,
    ...(suffix !== undefined ? { suffix } : {}),
    ttl: formatDuration(ttlSeconds),
    ttlSeconds,
    catalogMode,
    ...(catalog !== undefined ? { catalog } : {}),
    compute,
    nodeType,
    nodeTypeFallbacks,
    sparkVersion,
    autoterminationMinutes,
    databricksServing,
    azureMl,
    endpoints,
    datasetUrl,
    datasetSha256,
    ...(classId ? { classId } : {}),
    learners,
  };
}

function parseLearners(value: unknown): ClassLearner[] {
  const list = optionalList("learners", value) ?? [...KEYS.learners.default];
  const seen = new Set<string>();
  return list.map((item, index) => {
    const at = `learners[${index}]`;
    if (item === null || typeof item !== "object" || Array.isArray(item)) fail(at, "is not an object {learner, objectId}");
    const entry = item as Raw;
    for (const field of Object.keys(entry)) {
      if (!LEARNER_KEYS.has(field)) fail(`${at}.${field}`, "is not a known field; use learner, objectId");
    }
    const learner = optionalString(`${at}.learner`, entry.learner);
    if (!learner || !UPN_PATTERN.test(learner)) fail(`${at}.learner`, `'${learner ?? ""}' is not a user principal name or email (ann@contoso.edu)`);
    if (seen.has(learner.toLowerCase())) fail(`${at}.learner`, `'${learner}' is listed twice`);
    seen.add(learner.toLowerCase());
    const objectId = optionalString(`${at}.objectId`, entry.objectId);
    if (objectId !== undefined && objectId !== "" && !GUID_PATTERN.test(objectId)) fail(`${at}.objectId`, `'${objectId}' is not an Entra object id (a GUID)`);
    return { learner, ...(objectId ? { objectId: objectId.toLowerCase() } : {}) };
  });
}

function parseRegion(value: unknown): string {
  const text = optionalString("region", value) ?? KEYS.region.default;
  return parseRegionName(text, (hint) =>
    fail(
      "region",
      `'${text}' is not an Azure region name${hint ? `; did you mean '${hint}'?` : ""} (use ARM names such as eastus, westeurope; \`mlflow-lab regions\` lists them)`,
    ),
  );
}

function parseOwner(value: unknown): { owner: string; ownerKind: OwnerKind } {
  const owner = optionalString("owner", value);
  if (owner === undefined || owner === "") {
    fail("owner", "is not set; set it to your user principal name, e.g. `pulumi config set owner you@contoso.com`");
  }
  if (UPN_PATTERN.test(owner)) return { owner, ownerKind: "user" };
  if (GUID_PATTERN.test(owner)) return { owner: owner.toLowerCase(), ownerKind: "servicePrincipal" };
  fail("owner", `'${owner}' is neither a user principal name (user@domain) nor a service principal application id (GUID)`);
}

/**
 * Why `value` cannot be the lab cluster's VM size, or undefined when it can. One rule for the config's
 * nodeType/nodeTypeFallbacks and the CLI's --node-type.
 */
export function nodeTypeProblem(value: string): string | undefined {
  if (!NODE_TYPE_PATTERN.test(value)) {
    return `'${value}' is not a VM size name; use the Standard_<size> form, e.g. Standard_DS3_v2 or Standard_D4ds_v5`;
  }
  if (/^Standard_N/.test(value)) {
    return `'${value}' is a GPU size; the lab cluster runs on CPU sizes such as Standard_DS3_v2`;
  }
  return undefined;
}

/**
 * `value` when it can be the lab cluster's VM size, else a UserInputError naming `subject` (a config key
 * such as `config azure-mlflow-lab:nodeType`, or a flag such as `--node-type`) and the problem.
 */
export function parseNodeType(subject: string, value: string): string {
  const problem = nodeTypeProblem(value);
  if (problem !== undefined) throw new UserInputError(`${subject} ${problem}`);
  return value;
}

function parseCatalogAndCompute(raw: Raw): { catalogMode: CatalogMode; catalog?: string; compute: ComputeKind } {
  const modeText = optionalString("catalogMode", raw.catalogMode) ?? KEYS.catalogMode.default;
  const catalogMode = CATALOG_MODES.find((mode) => mode === modeText.toLowerCase());
  if (!catalogMode) fail("catalogMode", `'${modeText}' is not a catalog mode; use ${CATALOG_MODES.join(" or ")}`);
  const computeText = optionalString("compute", raw.compute) ?? KEYS.compute.default;
  const compute = COMPUTE_KINDS.find((kind) => kind === computeText.toLowerCase());
  if (!compute) fail("compute", `'${computeText}' is not a compute kind; use ${COMPUTE_KINDS.join(" or ")}`);
  if (compute === "serverless" && catalogMode === "legacy") {
    fail(
      "catalogMode",
      `'legacy' cannot be used with ${configKey("compute")} 'serverless': a Serverless workspace has Unity Catalog only (no DBFS root, no Hive metastore, no workspace model registry); use catalogMode unity, or compute classic`,
    );
  }
  const catalogText = optionalString("catalog", raw.catalog);
  let catalog: string | undefined;
  if (catalogText !== undefined && catalogText !== "") {
    if (catalogMode === "legacy") {
      fail("catalog", `'${catalogText}' is set but ${configKey("catalogMode")} is 'legacy', which uses the Hive metastore; remove catalog, or use catalogMode unity`);
    }
    if (!UNITY_NAME_PATTERN.test(catalogText)) {
      fail("catalog", `'${catalogText}' is not a Unity Catalog catalog name (no '.', spaces, '/' or control characters, at most 255)`);
    }
    catalog = catalogText;
  }
  return { catalogMode, ...(catalog !== undefined ? { catalog } : {}), compute };
}

/**
 * Why `name` cannot be served in `mode`, or undefined. unity: one part (a model in the lab's schema) or
 * three (`catalog.schema.model`); legacy: a workspace-registry name, never a three-level one.
 */
function servingModelProblem(name: string, mode: CatalogMode): string | undefined {
  const parts = name.split(".");
  const threeLevel = parts.length === 3 && parts.every((part) => UNITY_NAME_PATTERN.test(part));
  if (mode === "legacy") {
    return threeLevel
      ? `'${name}' is a Unity Catalog name (catalog.schema.model), but ${configKey("catalogMode")} is 'legacy', which serves from the workspace model registry; use a name such as 'Penguin Predictor:1', or catalogMode unity`
      : undefined;
  }
  if (parts.length === 1 && UNITY_NAME_PATTERN.test(name)) return undefined;
  if (threeLevel) return undefined;
  return `'${name}' is not a Unity Catalog model name, which ${configKey("catalogMode")} 'unity' serves: use '<catalog>.<schema>.<model>:<version>', or a name in the lab's schema without spaces or dots such as '${DEFAULT_SERVING_MODEL.unity}' (workspace-registry names like 'Penguin Predictor' need catalogMode legacy)`;
}

function parseServing(value: unknown, catalogMode: CatalogMode): DatabricksServingConfig {
  const key = "databricksServing";
  const raw = optionalObject(key, value) ?? {};
  for (const field of Object.keys(raw)) {
    if (!SERVING_KEYS.has(field)) fail(`${key}.${field}`, `is not a known field; use ${[...SERVING_KEYS].join(", ")}`);
  }
  const defaults = KEYS.databricksServing.default;
  const enabled = optionalBoolean(`${key}.enabled`, raw.enabled) ?? defaults.enabled;
  const name = optionalString(`${key}.name`, raw.name) ?? defaults.name;
  if (!SERVING_NAME_PATTERN.test(name)) {
    fail(`${key}.name`, `'${name}' is not a serving endpoint name (letters, digits, - and _, at most 63)`);
  }
  const defaultModel = DEFAULT_SERVING_MODEL[catalogMode];
  let modelText = "model" in raw ? optionalString(`${key}.model`, raw.model) : defaultModel;
  if (modelText === undefined || modelText === "") {
    if (enabled) {
      fail(`${key}.model`, `serving endpoint '${name}' has no model; set it to '<registered model name>:<version>', e.g. '${defaultModel}'`);
    }
    modelText = defaultModel;
  }
  const model = parseModelRef(modelText);
  if (!model) fail(`${key}.model`, `'${modelText}' is not 'name:version' (e.g. '${defaultModel}')`);
  const modelProblem = servingModelProblem(model.name, catalogMode);
  if (modelProblem) fail(`${key}.model`, modelProblem);
  const sizeText = optionalString(`${key}.size`, raw.size) ?? defaults.size;
  const size = SERVING_SIZES.find((s) => s.toLowerCase() === sizeText.toLowerCase());
  if (!size) fail(`${key}.size`, `'${sizeText}' is not a workload size; use ${SERVING_SIZES.join(", ")}`);
  const scaleToZero = optionalBoolean(`${key}.scaleToZero`, raw.scaleToZero) ?? defaults.scaleToZero;
  return { enabled, name, model, size, scaleToZero };
}

function parseEndpoints(value: unknown): EndpointConfig[] {
  const list = optionalList("endpoints", value) ?? [...KEYS.endpoints.default];
  const seen = new Map<string, number>();
  return list.map((item, index) => {
    const at = `endpoints[${index}]`;
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      fail(at, "is not an object {name, kind, model, size}");
    }
    const entry = item as Raw;
    for (const field of Object.keys(entry)) {
      if (!ENDPOINT_KEYS.has(field)) fail(`${at}.${field}`, `is not a known field; use name, kind, model, size`);
    }
    const name = optionalString(`${at}.name`, entry.name);
    if (name === undefined) fail(`${at}.name`, "is missing; give each endpoint a name such as penguin-aci");
    if (!ENDPOINT_NAME_PATTERN.test(name)) {
      fail(`${at}.name`, `'${name}' is not 3-24 lowercase letters, digits or '-' starting with a letter`);
    }
    const previous = seen.get(name);
    if (previous !== undefined) {
      fail(`${at}.name`, `'${name}' is already used by endpoints[${previous}]; endpoint names must be unique`);
    }
    seen.set(name, index);

    const kindText = optionalString(`${at}.kind`, entry.kind);
    const kind = ENDPOINT_KINDS.find((k) => k === kindText?.toLowerCase());
    if (!kind) fail(`${at}.kind`, `'${kindText ?? ""}' is not an endpoint kind; use ${ENDPOINT_KINDS.join(", ")}`);

    const modelText = optionalString(`${at}.model`, entry.model);
    if (modelText === undefined || modelText.trim() === "") {
      fail(`${at}.model`, `endpoint '${name}' has no model; set it to '<Azure ML model name>:<version>', e.g. penguin-classifier:1`);
    }
    const model = parseModelRef(modelText);
    if (!model) fail(`${at}.model`, `'${modelText}' is not 'name:version' (e.g. penguin-classifier:1)`);
    if (!AZURE_ML_MODEL_NAME.test(model.name)) {
      fail(`${at}.model`, `'${model.name}' is not an Azure ML model name (letters, digits, '.', '_' and '-', no spaces)`);
    }

    const sizeText = optionalString(`${at}.size`, entry.size) ?? "small";
    const size = ENDPOINT_SIZES.find((s) => s === sizeText.toLowerCase());
    if (!size) fail(`${at}.size`, `'${sizeText}' is not a size; use ${ENDPOINT_SIZES.join(", ")}`);
    return { name, kind, model, size };
  });
}

// ---- value coercion: stack files give native YAML values, the Pulumi runtime gives strings ----

/** How a one-line config error names its key: `config azure-mlflow-lab:<key>`. */
function configKey(key: string): string {
  return `config ${PROJECT_NAME}:${key}`;
}

function fail(key: string, problem: string): never {
  throw new UserInputError(`${configKey(key)} ${problem}`);
}

function optionalString(key: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  fail(key, `must be a string, got ${describe(value)}`);
}

function optionalBoolean(key: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  fail(key, `must be true or false, got ${describe(value)}`);
}

function optionalInteger(key: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number === "number" && Number.isInteger(number)) return number;
  fail(key, `must be a whole number, got ${describe(value)}`);
}

function decodeJson(key: string, value: unknown, expected: string): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    fail(key, `must be ${expected}, got text that is not JSON`);
  }
}

function optionalObject(key: string, value: unknown): Raw | undefined {
  if (value === undefined || value === null) return undefined;
  const decoded = decodeJson(key, value, "an object");
  if (decoded !== null && typeof decoded === "object" && !Array.isArray(decoded)) return decoded as Raw;
  fail(key, `must be an object, got ${describe(decoded)}`);
}

function optionalList(key: string, value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  const decoded = decodeJson(key, value, "a list");
  if (Array.isArray(decoded)) return decoded;
  fail(key, `must be a list, got ${describe(decoded)}`);
}

function optionalStringList(key: string, value: unknown): string[] | undefined {
  const list = optionalList(key, value);
  return list?.map((item, i) => {
    if (typeof item !== "string") fail(`${key}[${i}]`, `must be a string, got ${describe(item)}`);
    return item.trim();
  });
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `'${value}'`;
  return `${typeof value} ${String(value)}`;
}
