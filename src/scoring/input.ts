import { parse as parseCsvSync } from "csv-parse/sync";
import { ScoringInputError, type ScoringInput, type Table } from "./table";

/**
 * Reading rows to score from CSV (with a header line) or JSON: a records array, a split object
 * (`{columns, data}`), or an already wrapped request (`{"dataframe_split": …}`, `{"input_data": …}`, …).
 * Wrapped tabular requests are unwrapped so the column check and the per-endpoint conversion still
 * apply; tensor-style wrappers are passed through untouched.
 */

const CELL_NULLS = new Set(["", "NA", "NaN", "nan", "null", "NULL"]);

export function parseCsv(text: string, source = "CSV input"): Table {
  let records: string[][];
  try {
    records = parseCsvSync(text, { bom: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    const e = error as { message?: string; lines?: number; code?: string };
    const reason = (e.message ?? String(error)).replace(/\s+/g, " ").replace(/^Invalid Record Length: /, "");
    throw new ScoringInputError(`${source}: ${reason}`);
  }
  if (records.length === 0) throw new ScoringInputError(`${source} is empty; expected a header line and at least one row`);
  const [header, ...rows] = records as [string[], ...string[][]];
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name === "") throw new ScoringInputError(`${source}: header column ${index + 1} has no name`);
    if (seen.has(name)) throw new ScoringInputError(`${source}: column "${name}" appears twice in the header`);
    seen.add(name);
  });
  if (rows.length === 0) throw new ScoringInputError(`${source} has a header but no rows`);
  // Cells stay strings here (or null when empty); coercion by signature or inference comes later.
  return { columns: header, rows: rows.map((row) => row.map((cell) => (CELL_NULLS.has(cell) ? null : cell))) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function recordsToTable(records: unknown[], source: string): Table {
  const columns: string[] = [];
  const known = new Set<string>();
  records.forEach((record, index) => {
    if (!isRecord(record)) throw new ScoringInputError(`${source}: row ${index + 1} is not an object (records must be [{"col": value, ...}, ...])`);
    for (const key of Object.keys(record)) {
      if (!known.has(key)) {
        known.add(key);
        columns.push(key);
      }
    }
  });
  return { columns, rows: records.map((r) => columns.map((c) => (r as Record<string, unknown>)[c] ?? null)) };
}

function splitToTable(split: unknown, source: string): Table {
  if (!isRecord(split) || !Array.isArray(split.columns) || !Array.isArray(split.data)) {
    throw new ScoringInputError(`${source}: a split object needs "columns" and "data" arrays`);
  }
  const columns = split.columns.map(String);
  const rows = split.data.map((row, index) => {
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw new ScoringInputError(`${source}: data row ${index + 1} has ${Array.isArray(row) ? row.length : 0} values for ${columns.length} columns`);
    }
    return row as unknown[];
  });
  return { columns, rows };
}

const TABULAR_WRAPPERS = ["dataframe_split", "dataframe_records", "input_data", "instances", "inputs"];

export function parseJsonInput(text: string, source = "JSON input"): ScoringInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ScoringInputError(`${source} is not valid JSON (${(error as Error).message})`);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new ScoringInputError(`${source} has no rows`);
    if (value.every(isRecord)) return { kind: "table", table: recordsToTable(value, source) };
    throw new ScoringInputError(`${source}: a JSON array must hold row objects ([{"col": value, ...}]); for tensors wrap it as {"inputs": [...]}`);
  }
  if (!isRecord(value)) throw new ScoringInputError(`${source} must be a records array, a {columns, data} object or a wrapped request`);
  const wrappers = TABULAR_WRAPPERS.filter((k) => k in value);
  if (wrappers.length > 1) throw new ScoringInputError(`${source} has more than one of ${wrappers.join(", ")}; keep one`);
  const wrapper = wrappers[0];
  if (wrapper === undefined) {
    if ("columns" in value || "data" in value) return { kind: "table", table: splitToTable(value, source) };
    throw new ScoringInputError(`${source} must be a records array, a {columns, data} object or a wrapped request (dataframe_split, dataframe_records, instances, inputs, input_data)`);
  }
  const inner = value[wrapper];
  const hasParams = "params" in value;
  if (!hasParams) {
    if (wrapper === "dataframe_split" || (wrapper === "input_data" && isRecord(inner) && Array.isArray(inner.columns))) {
      return { kind: "table", table: splitToTable(inner, `${source} ${wrapper}`) };
    }
    if ((wrapper === "dataframe_records" || wrapper === "instances") && Array.isArray(inner) && inner.length > 0 && inner.every(isRecord)) {
      return { kind: "table", table: recordsToTable(inner, `${source} ${wrapper}`) };
    }
  }
  return { kind: "raw", payload: { raw: value, wrapper } };
}

/** Decides by file name (or content for stdin) whether the input is CSV or JSON. */
export function parseScoringInput(text: string, source: string): ScoringInput {
  const lower = source.toLowerCase();
  const looksJson = lower.endsWith(".json") || (!lower.endsWith(".csv") && /^\s*[[{]/.test(text));
  return looksJson ? parseJsonInput(text, source) : { kind: "table", table: parseCsv(text, source) };
}
