/**
 * MLflow model signatures. In an MLmodel file `signature.inputs`, `.outputs` and `.params` are JSON
 * *strings* (not YAML lists), written by mlflow.models.signature. Column-based schemas name their columns;
 * tensor-based schemas carry a dtype and shape instead.
 */

/** The MLflow column types; newer versions add composite types (`array`, `object`, `map`, `any`). */
export type ColumnType =
  | "boolean"
  | "integer"
  | "long"
  | "float"
  | "double"
  | "string"
  | "binary"
  | "datetime"
  | (string & {});

export interface ColumnSpec {
  /** Absent for unnamed columns (e.g. a model's single output). */
  name?: string;
  type: ColumnType;
  /** MLflow ≥ 2.? writes `required`; older signatures omit it, which means required. */
  required: boolean;
}

export interface TensorSpec {
  name?: string;
  dtype: string;
  shape: number[];
}

export type Schema = { kind: "columns"; columns: ColumnSpec[] } | { kind: "tensors"; tensors: TensorSpec[] };

export interface ParamSpec {
  name: string;
  type: string;
  default: unknown;
  shape?: number[] | null;
}

export interface ModelSignature {
  inputs?: Schema;
  outputs?: Schema;
  params?: ParamSpec[];
}

export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignatureError";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A signature field's list as MLflow writes it: a JSON string (or, from hand-written files, a list).
 * Undefined when the field is absent or empty.
 */
function specList(raw: unknown, field: string, what: string): unknown[] | undefined {
  if (raw === undefined || raw === null || raw === "" || raw === "null") return undefined;
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new SignatureError(`signature.${field} is not valid JSON (${(error as Error).message})`);
    }
  }
  if (!Array.isArray(value)) throw new SignatureError(`signature.${field} must be a JSON list of ${what}`);
  return value;
}

/** Parses one schema (inputs or outputs). */
export function parseSchema(raw: unknown, field: string): Schema | undefined {
  const value = specList(raw, field, "column or tensor specs");
  if (value === undefined) return undefined;
  if (value.length > 0 && value.every((item) => isRecord(item) && item.type === "tensor")) {
    return {
      kind: "tensors",
      tensors: value.map((item, index) => {
        const spec = (item as Record<string, unknown>)["tensor-spec"];
        if (!isRecord(spec) || typeof spec.dtype !== "string") {
          throw new SignatureError(`signature.${field}[${index}] is a tensor without a tensor-spec dtype`);
        }
        const shape = Array.isArray(spec.shape) ? spec.shape.map(Number) : [];
        const name = (item as Record<string, unknown>).name;
        return { ...(typeof name === "string" ? { name } : {}), dtype: spec.dtype, shape };
      }),
    };
  }
  return {
    kind: "columns",
    columns: value.map((item, index) => {
      if (!isRecord(item) || item.type === undefined) {
        throw new SignatureError(`signature.${field}[${index}] must be an object with a "type"`);
      }
      if (item.type === "tensor") {
        throw new SignatureError(`signature.${field} mixes tensor and column specs`);
      }
      const type = typeof item.type === "string" ? item.type : JSON.stringify(item.type);
      return {
        ...(typeof item.name === "string" ? { name: item.name } : {}),
        type,
        required: item.required === undefined ? true : item.required !== false,
      };
    }),
  };
}

export function parseParams(raw: unknown): ParamSpec[] | undefined {
  const value = specList(raw, "params", "param specs");
  return value?.map((item, index) => {
    if (!isRecord(item) || typeof item.name !== "string") {
      throw new SignatureError(`signature.params[${index}] must be an object with a "name"`);
    }
    return {
      name: item.name,
      type: typeof item.type === "string" ? item.type : "string",
      default: item.default ?? null,
      ...(Array.isArray(item.shape) || item.shape === null ? { shape: item.shape as number[] | null } : {}),
    };
  });
}

export function parseSignature(raw: unknown): ModelSignature | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) throw new SignatureError("signature must be a mapping with inputs/outputs/params");
  const inputs = parseSchema(raw.inputs, "inputs");
  const outputs = parseSchema(raw.outputs, "outputs");
  const params = parseParams(raw.params);
  return {
    ...(inputs ? { inputs } : {}),
    ...(outputs ? { outputs } : {}),
    ...(params ? { params } : {}),
  };
}

/** Input column names when the signature is column based with named columns, else undefined. */
export function inputColumnNames(signature: ModelSignature | undefined): string[] | undefined {
  const inputs = signature?.inputs;
  if (!inputs || inputs.kind !== "columns") return undefined;
  const names = inputs.columns.map((c) => c.name);
  return names.every((n): n is string => typeof n === "string") ? names : undefined;
}
