import type { ColumnSpec, ModelSignature } from "../models/signature";
import { ScoringInputError, type Table } from "./table";

/**
 * Makes a table fit a model before anything is sent: with a column signature, the columns must match
 * (missing required or unexpected columns are one clear error), are put in signature order, and cells
 * are converted to the declared types. Without a signature, text cells that are all numeric in a column
 * become numbers (CSV gives only text) and everything else stays as it is.
 */

export interface ColumnMismatch {
  missing: string[];
  unexpected: string[];
  expected: string[];
}

export class ColumnMismatchError extends ScoringInputError {
  constructor(readonly mismatch: ColumnMismatch) {
    const parts: string[] = [];
    if (mismatch.missing.length) parts.push(`missing ${mismatch.missing.join(", ")}`);
    if (mismatch.unexpected.length) parts.push(`unexpected ${mismatch.unexpected.join(", ")}`);
    super(`columns do not match the model signature: ${parts.join("; ")} (expected ${mismatch.expected.join(", ")}); nothing was sent`);
    this.name = "ColumnMismatchError";
  }
}

export function compareColumns(columns: readonly string[], specs: readonly ColumnSpec[]): ColumnMismatch | undefined {
  const expected = specs.map((s) => s.name!).filter(Boolean);
  const present = new Set(columns);
  const wanted = new Set(expected);
  const missing = specs.filter((s) => s.name && s.required && !present.has(s.name)).map((s) => s.name!);
  const unexpected = columns.filter((c) => !wanted.has(c));
  return missing.length || unexpected.length ? { missing, unexpected, expected } : undefined;
}

const INTEGER_TYPES = new Set(["integer", "long"]);
/**
 * Column types whose cells MLflow's scoring server accepts empty. Before the signature check it casts
 * each column with pandas `astype` to the column type (mlflow/utils/proto_json_utils.py
 * cast_df_types_according_to_schema, MLflow 2.22 and 3.17): a missing value is NaN in float32/float64,
 * None in an object (string) column and NaT for datetime, while integer and long columns cannot hold
 * one (the cast fails: MLflow's own hint says to declare such columns double), a binary cell is
 * base64-decoded (None fails), and a boolean column would turn None into False. A column's `required`
 * flag is about the column being present, not about its cells (_enforce_named_col_schema).
 */
const MISSING_ALLOWED_TYPES = new Set(["float", "double", "string", "datetime"]);
const SCALAR_TYPES = new Set(["boolean", "integer", "long", "float", "double", "string", "binary", "datetime"]);

/** Whether MLflow accepts an empty cell in a column of this spec; composite types follow `required`. */
export function acceptsMissing(spec: ColumnSpec): boolean {
  if (SCALAR_TYPES.has(spec.type)) return MISSING_ALLOWED_TYPES.has(spec.type);
  // `any` is not cast at all; arrays, objects and maps take None only when not required (_enforce_array,
  // _enforce_object, _enforce_map).
  return spec.type === "any" || !spec.required;
}
const FLOAT_TYPES = new Set(["float", "double"]);

function coerceCell(value: unknown, type: string, where: () => string): unknown {
  if (value === null || value === undefined) return null;
  if (INTEGER_TYPES.has(type) || FLOAT_TYPES.has(type)) {
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    if (!Number.isFinite(n)) throw new ScoringInputError(`${where()}: ${JSON.stringify(value)} is not a ${type}`);
    if (INTEGER_TYPES.has(type) && !Number.isInteger(n)) throw new ScoringInputError(`${where()}: ${JSON.stringify(value)} is not a whole number (${type})`);
    return n;
  }
  if (type === "boolean") {
    if (typeof value === "boolean") return value;
    const text = String(value).trim().toLowerCase();
    if (["true", "1", "yes"].includes(text)) return true;
    if (["false", "0", "no"].includes(text)) return false;
    throw new ScoringInputError(`${where()}: ${JSON.stringify(value)} is not a boolean`);
  }
  if (type === "string" || type === "datetime" || type === "binary") return typeof value === "string" ? value : String(value);
  return value; // composite types (array/object/map/any): leave JSON values alone
}

function inferColumn(values: unknown[]): unknown[] {
  const texts = values.filter((v) => v !== null && v !== undefined);
  const numeric = texts.length > 0 && texts.every((v) => typeof v === "number" || (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))));
  return numeric ? values.map((v) => (v === null || v === undefined ? null : Number(v))) : values;
}

export function conformTable(table: Table, signature: ModelSignature | undefined): Table {
  const inputs = signature?.inputs;
  if (!inputs || inputs.kind !== "columns" || inputs.columns.some((c) => !c.name)) {
    const byColumn = table.columns.map((_, i) => inferColumn(table.rows.map((r) => r[i])));
    return { columns: [...table.columns], rows: table.rows.map((_, r) => byColumn.map((col) => col[r])) };
  }
  const mismatch = compareColumns(table.columns, inputs.columns);
  if (mismatch) throw new ColumnMismatchError(mismatch);
  const specs = inputs.columns.filter((s) => table.columns.includes(s.name!));
  const indexes = specs.map((s) => table.columns.indexOf(s.name!));
  return {
    columns: specs.map((s) => s.name!),
    rows: table.rows.map((row, r) =>
      specs.map((spec, i) => {
        const value = row[indexes[i]!];
        if ((value === null || value === undefined) && !acceptsMissing(spec)) {
          throw new ScoringInputError(`row ${r + 1}, column ${spec.name}: the model signature's type ${spec.type} takes no empty cells (MLflow accepts them only in float, double, string and datetime columns)`);
        }
        return coerceCell(value, spec.type, () => `row ${r + 1}, column ${spec.name}`);
      }),
    ),
  };
}
