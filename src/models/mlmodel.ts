import * as YAML from "yaml";
import { parseSignature, SignatureError, type ModelSignature } from "./signature";

/**
 * Parsing of the `MLmodel` file at the root of every MLflow model directory (written by
 * mlflow.models.Model.to_yaml). Only `flavors` is required: real files from older tools lack
 * utc_time_created, run_id, even artifact_path.
 *
 * Numbers are NOT resolved: `python_version: 3.10` must stay "3.10", but YAML's core schema reads it as
 * 3.1. We drop the int/float tags so every plain scalar that is not null or a boolean stays a string, and
 * convert the one numeric field we use (model_size_bytes) by hand.
 */

export type FlavorConfig = Record<string, unknown>;

export interface InputExampleInfo {
  artifactPath?: string;
  type?: string;
  pandasOrient?: string;
  servingInputPath?: string;
}

export interface MlmodelInfo {
  flavors: Record<string, FlavorConfig>;
  /** As written. MLflow 2.x: relative to the run's artifacts (e.g. `model`); 3.x may write a full URI. */
  artifactPath?: string;
  /** Set when artifact_path is a URI (`mlflow-artifacts:/…/models/m-<id>/artifacts`, `dbfs:/…`, …). */
  artifactUri?: string;
  mlflowVersion?: string;
  /** 32 hex chars in 2.x; equals the logged model id `m-<hex>` in 3.x. */
  modelUuid?: string;
  /** The MLflow 3 logged-model id (`m-<hex>`), from model_id or an m- model_uuid. */
  modelId?: string;
  runId?: string;
  utcTimeCreated?: string;
  databricksRuntime?: string;
  /** python_function.python_version, kept as a string. */
  pythonVersion?: string;
  modelSizeBytes?: number;
  signature?: ModelSignature;
  inputExample?: InputExampleInfo;
  /** Which MLflow generation wrote the file, judged from model ids and the artifact_path form. */
  layout: "mlflow2" | "mlflow3";
  /** The whole parsed document (numbers as strings), for fields this type does not name. */
  raw: Record<string, unknown>;
}

export class MlmodelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MlmodelError";
  }
}

const NUMBER_TAG = /int|float/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(doc: Record<string, unknown>, key: string, file: string): string | undefined {
  const value = doc[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  throw new MlmodelError(`${file}: ${key} must be a scalar, found a ${Array.isArray(value) ? "list" : "mapping"}`);
}

/** `scheme:/…` or `scheme://…` (but not a Windows drive letter). */
function looksLikeUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]+:\//i.test(value);
}

/** Parses MLmodel text. `file` names the file in error messages. */
export function parseMlmodel(text: string, file = "MLmodel"): MlmodelInfo {
  const doc = YAML.parseDocument(text, {
    customTags: (tags) => tags.filter((tag) => !NUMBER_TAG.test(typeof tag === "string" ? tag : tag.tag)),
    uniqueKeys: false,
  });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0];
    const reason = first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new MlmodelError(
      `${file} is not valid YAML${where ? ` (line ${where.line}, column ${where.col})` : ""}: ${reason}`,
    );
  }
  const value: unknown = doc.toJS();
  if (!isRecord(value)) throw new MlmodelError(`${file} must be a YAML mapping with a "flavors" key`);

  const flavors = value.flavors;
  if (!isRecord(flavors) || Object.keys(flavors).length === 0) {
    throw new MlmodelError(`${file} has no flavors (expected e.g. "flavors: {python_function: ..., sklearn: ...}")`);
  }
  for (const [name, config] of Object.entries(flavors)) {
    if (config !== null && !isRecord(config)) throw new MlmodelError(`${file}: flavors.${name} must be a mapping`);
  }

  const artifactPath = optionalString(value, "artifact_path", file);
  const modelUuid = optionalString(value, "model_uuid", file);
  const explicitModelId = optionalString(value, "model_id", file);
  const modelId = explicitModelId ?? (modelUuid?.startsWith("m-") ? modelUuid : undefined);
  const artifactUri = artifactPath && looksLikeUri(artifactPath) ? artifactPath : undefined;

  let signature: ModelSignature | undefined;
  try {
    signature = parseSignature(value.signature);
  } catch (error) {
    if (error instanceof SignatureError) throw new MlmodelError(`${file}: ${error.message}`);
    throw error;
  }

  const pyfunc = flavors.python_function;
  const pythonVersion = isRecord(pyfunc) && pyfunc.python_version != null ? String(pyfunc.python_version) : undefined;

  const sizeText = optionalString(value, "model_size_bytes", file);
  const modelSizeBytes = sizeText !== undefined && /^\d+$/.test(sizeText) ? Number(sizeText) : undefined;

  const example = value.saved_input_example_info;
  const inputExample: InputExampleInfo | undefined = isRecord(example)
    ? {
        ...(typeof example.artifact_path === "string" ? { artifactPath: example.artifact_path } : {}),
        ...(typeof example.type === "string" ? { type: example.type } : {}),
        ...(typeof example.pandas_orient === "string" ? { pandasOrient: example.pandas_orient } : {}),
        ...(typeof example.serving_input_path === "string" ? { servingInputPath: example.serving_input_path } : {}),
      }
    : undefined;

  const info: MlmodelInfo = {
    flavors: Object.fromEntries(Object.entries(flavors).map(([k, v]) => [k, (v ?? {}) as FlavorConfig])),
    layout: modelId || artifactUri ? "mlflow3" : "mlflow2",
    raw: value,
  };
  const optional: Partial<MlmodelInfo> = {
    artifactPath,
    artifactUri,
    mlflowVersion: optionalString(value, "mlflow_version", file),
    modelUuid,
    modelId,
    runId: optionalString(value, "run_id", file),
    utcTimeCreated: optionalString(value, "utc_time_created", file),
    databricksRuntime: optionalString(value, "databricks_runtime", file),
    pythonVersion,
    modelSizeBytes,
    signature,
    inputExample,
  };
  for (const [key, v] of Object.entries(optional)) {
    if (v !== undefined) (info as unknown as Record<string, unknown>)[key] = v;
  }
  return info;
}

/**
 * Flavors in the shape Azure ML's ModelVersion takes: `{flavor: {data: {key: string}}}` with string
 * values only (nested values JSON-encoded).
 */
export function azureMlFlavors(info: MlmodelInfo): Record<string, { data: Record<string, string> }> {
  const out: Record<string, { data: Record<string, string> }> = {};
  for (const [flavor, config] of Object.entries(info.flavors)) {
    const data: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
      if (value === null || value === undefined) continue;
      data[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    out[flavor] = { data };
  }
  return out;
}
