import { ScoringInputError, type RawPayload, type Table } from "./table";

/**
 * Request bodies per endpoint dialect (pure):
 * - MLflow scoring servers (`mlflow models serve`, the serving image on ACI, Databricks Model Serving):
 *   exactly one of `dataframe_split` (default), `dataframe_records`, `instances`.
 * - Azure ML online endpoints running an MLflow model (managed / Kubernetes): `{"input_data": {columns,
 *   index, data}}`; records and TF-serving shapes are not accepted there.
 */

export type EndpointKind = "mlflow" | "aci" | "databricks" | "managed" | "aks";
export type PayloadFormat = "split" | "records" | "instances";

export const ENDPOINT_KINDS: readonly EndpointKind[] = ["mlflow", "aci", "databricks", "managed", "aks"];
export const PAYLOAD_FORMATS: readonly PayloadFormat[] = ["split", "records", "instances"];

export function isAzureMlOnline(kind: EndpointKind): boolean {
  return kind === "managed" || kind === "aks";
}

function records(table: Table): Record<string, unknown>[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null])));
}

export function buildPayload(table: Table, kind: EndpointKind, format?: PayloadFormat): Record<string, unknown> {
  if (isAzureMlOnline(kind)) {
    if (format !== undefined && format !== "split") {
      throw new ScoringInputError(`--format ${format}: Azure ML online endpoints take only the split shape (input_data); leave --format out`);
    }
    return { input_data: { columns: table.columns, index: table.rows.map((_, i) => i), data: table.rows } };
  }
  switch (format ?? "split") {
    case "split":
      return { dataframe_split: { columns: table.columns, data: table.rows } };
    case "records":
      return { dataframe_records: records(table) };
    case "instances":
      return { instances: records(table) };
  }
}

/** An already wrapped request: sent as it is, unless its dialect cannot work on that endpoint. */
export function checkRawPayload(payload: RawPayload, kind: EndpointKind): Record<string, unknown> {
  const azure = isAzureMlOnline(kind);
  if (azure && payload.wrapper !== "input_data") {
    throw new ScoringInputError(`the input is wrapped as "${payload.wrapper}", but Azure ML online endpoints take "input_data"`);
  }
  if (!azure && payload.wrapper === "input_data") {
    throw new ScoringInputError(`the input is wrapped as "input_data" (Azure ML); ${kind} endpoints take dataframe_split, dataframe_records, instances or inputs`);
  }
  return payload.raw;
}
