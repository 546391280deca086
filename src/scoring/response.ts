/**
 * Scoring replies: MLflow servers and Databricks answer `{"predictions": [...]}`; Azure ML online
 * endpoints are documented to answer a bare JSON array (some pages show the wrapped form): accept both.
 * Predictions are flattened into rows of named cells for display next to the inputs.
 */

export class ScoringResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScoringResponseError";
  }
}

export interface Predictions {
  /** One entry per input row when the model returns one per row. */
  values: unknown[];
  /** Column names for display: keys of object predictions, else ["prediction"]. */
  columns: string[];
  rows: unknown[][];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parsePredictions(body: string): Predictions {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new ScoringResponseError(`the endpoint answered with something that is not JSON: ${body.slice(0, 120)}`);
  }
  // Some Azure ML scoring scripts return a JSON string holding JSON.
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      // a plain string prediction
    }
  }
  let values: unknown[];
  if (Array.isArray(value)) values = value;
  else if (isRecord(value) && "predictions" in value) {
    const p = value.predictions;
    if (Array.isArray(p)) values = p;
    else if (isRecord(p) && Object.values(p).every(Array.isArray)) {
      // column-oriented {"col": [...]}: turn into records
      const cols = Object.keys(p);
      const n = Math.max(...cols.map((c) => (p[c] as unknown[]).length));
      values = Array.from({ length: n }, (_, i) => Object.fromEntries(cols.map((c) => [c, (p[c] as unknown[])[i]])));
    } else values = [p];
  } else if (isRecord(value) && ("outputs" in value || "output" in value)) {
    const out = value.outputs ?? value.output;
    values = Array.isArray(out) ? out : [out];
  } else {
    throw new ScoringResponseError(`the endpoint's reply has no predictions (keys: ${isRecord(value) ? Object.keys(value).join(", ") : typeof value})`);
  }
  if (values.length > 0 && values.every(isRecord)) {
    const columns: string[] = [];
    for (const v of values as Record<string, unknown>[]) for (const k of Object.keys(v)) if (!columns.includes(k)) columns.push(k);
    return { values, columns, rows: (values as Record<string, unknown>[]).map((v) => columns.map((c) => v[c] ?? null)) };
  }
  return { values, columns: ["prediction"], rows: values.map((v) => [v]) };
}
