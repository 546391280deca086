import * as fs from "node:fs";
import Table from "cli-table3";
import { OperationFailedError, UserInputError } from "../../errors";
import { registerSecret } from "../../secrets/redact";
import { readModelDir } from "../../models/model-dir";
import { MlmodelError, parseMlmodel } from "../../models/mlmodel";
import type { ModelSignature } from "../../models/signature";
import { conformTable } from "../../scoring/conform";
import { EndpointError, scoringUrl, sendScoringRequest, type ScoringTarget } from "../../scoring/endpoint-client";
import { readStackOutputs } from "../../deploy/load-deployer";
import { stackNameOf } from "../../config/stack-settings";
import { EndpointLookupError, endpointFromOutputs, outputsFromFile, type StackOutputsSource } from "../../scoring/endpoint-lookup";
import { parseScoringInput } from "../../scoring/input";
import { buildPayload, checkRawPayload, type EndpointKind, type PayloadFormat } from "../../scoring/payload";
import { ScoringInputError, type Table as Rows } from "../../scoring/table";
import { ScoringResponseError } from "../../scoring/response";

/** `mlflow-lab score`: what runs once the command is chosen (options: ./register/score.ts). */
export interface ScoreOptions {
  data: string;
  format?: PayloadFormat;
  url?: string;
  kind?: EndpointKind;
  keyEnv?: string;
  stack?: string;
  outputs?: string;
  model?: string;
  deployment?: string;
  timeout: string;
  json?: boolean;
}

function readData(file: string): { text: string; source: string } {
  if (file === "-") return { text: fs.readFileSync(0, "utf8"), source: "stdin" };
  try {
    return { text: fs.readFileSync(file, "utf8"), source: file };
  } catch {
    throw new UserInputError(`--data ${file} cannot be read (give a .csv or .json file, or - for stdin)`);
  }
}

/** Signature for the column check: a model folder or an MLmodel file. */
function readSignature(location: string): ModelSignature | undefined {
  if (!fs.existsSync(location)) throw new UserInputError(`--model ${location} does not exist (give an MLflow model folder or its MLmodel file)`);
  if (fs.statSync(location).isFile()) {
    try {
      return parseMlmodel(fs.readFileSync(location, "utf8"), location).signature;
    } catch (error) {
      if (error instanceof MlmodelError) throw new UserInputError(`--model: ${error.message}`);
      throw error;
    }
  }
  return readModelDir(location).mlmodel.signature;
}

/** Stack outputs from --outputs <file>, else from the deployed stack through the engine. */
function stackOutputs(options: ScoreOptions): StackOutputsSource {
  if (options.outputs) return outputsFromFile(options.outputs);
  if (options.stack) {
    const stack = stackNameOf(options.stack);
    return () => readStackOutputs(stack);
  }
  throw new UserInputError("score needs --stack <stack>, --outputs <file> or --url <scoring url> to find the endpoint");
}

async function target(endpoint: string | undefined, options: ScoreOptions): Promise<ScoringTarget & { name: string }> {
  let key: string | undefined;
  let keySource: string | undefined;
  if (options.keyEnv) {
    key = process.env[options.keyEnv];
    if (!key) throw new UserInputError(`--key-env ${options.keyEnv}: that environment variable is empty or not set`);
    keySource = `--key-env ${options.keyEnv}`;
    // The variable's name need not look secret (SCORE_WITH): mask its value in everything printed.
    registerSecret(key);
  }
  if (options.url) {
    const kind = options.kind ?? "mlflow";
    let url: string;
    try {
      url = scoringUrl(options.url, kind);
    } catch {
      // Only the part before any query string is echoed: a mistyped URL may still carry a key or SAS.
      throw new UserInputError(`--url ${options.url.split("?")[0]} is not a URL (e.g. http://127.0.0.1:5000/invocations)`);
    }
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      throw new UserInputError(`--url must not carry a user name or password (${parsed.host}); put the key in an environment variable and pass --key-env <VAR>`);
    }
    if (!key && kind === "databricks" && process.env.DATABRICKS_TOKEN) {
      key = process.env.DATABRICKS_TOKEN;
      keySource = "DATABRICKS_TOKEN";
      registerSecret(key);
    }
    return { name: endpoint ?? new URL(url).host, url, kind, key, keySource, deployment: options.deployment };
  }
  if (!endpoint) throw new UserInputError("score needs an endpoint name (from the stack) or --url <scoring url>");
  try {
    const found = endpointFromOutputs(await stackOutputs(options)(), endpoint);
    // A key from the stack output endpointKeys is in no environment variable: mask it by value.
    registerSecret(found.key);
    return {
      name: found.name,
      url: found.url,
      kind: options.kind ?? found.kind,
      key: key ?? found.key,
      keySource: keySource ?? found.keySource,
      deployment: options.deployment,
    };
  } catch (error) {
    if (error instanceof EndpointLookupError) throw new UserInputError(error.message);
    throw error;
  }
}

/** The scoring URL for output: a query string may hold a key (function keys, SAS), so it is left out. */
function withoutQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export async function runScore(endpoint: string | undefined, options: ScoreOptions): Promise<void> {
  const timeoutSeconds = Number(options.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UserInputError(`--timeout ${options.timeout}: give seconds > 0`);
  const where = await target(endpoint, options);
  const { text, source } = readData(options.data);
  const signature = options.model ? readSignature(options.model) : undefined;

  let payload: Record<string, unknown>;
  let inputs: Rows | undefined;
  try {
    const input = parseScoringInput(text, source);
    if (input.kind === "table") {
      inputs = conformTable(input.table, signature);
      payload = buildPayload(inputs, where.kind, options.format);
    } else {
      if (options.format) throw new ScoringInputError(`--format ${options.format} cannot change an input that is already wrapped as "${input.payload.wrapper}"`);
      payload = checkRawPayload(input.payload, where.kind);
    }
  } catch (error) {
    if (error instanceof ScoringInputError) throw new UserInputError(error.message);
    throw error;
  }

  let result;
  try {
    result = await sendScoringRequest(where, payload, { timeoutMs: timeoutSeconds * 1000 });
  } catch (error) {
    if (error instanceof EndpointError || error instanceof ScoringResponseError) throw new OperationFailedError(error.message);
    throw error;
  }
  const { predictions } = result;
  const paired = inputs && inputs.rows.length === predictions.rows.length;

  if (options.json) {
    // Inputs and predictions stay apart: an input column may share a prediction's name (a label column
    // left in the data, or a model that echoes a column).
    const rows = paired
      ? inputs!.rows.map((row, i) => ({
          input: Object.fromEntries(inputs!.columns.map((c, j) => [c, row[j]])),
          prediction: Object.fromEntries(predictions.columns.map((c, j) => [c, predictions.rows[i]![j]])),
        }))
      : undefined;
    const out = { endpoint: where.name, kind: where.kind, url: withoutQuery(where.url), status: result.status, latencyMs: Math.round(result.latencyMs * 10) / 10, predictions: predictions.values, ...(rows ? { rows } : {}) };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const head = paired ? [...inputs!.columns, ...predictions.columns.map((c) => (inputs!.columns.includes(c) ? `${c} (predicted)` : c))] : predictions.columns;
  const table = new Table({ head, style: { head: [], border: [] } });
  predictions.rows.forEach((prediction, i) => table.push([...(paired ? inputs!.rows[i]!.map(cell) : []), ...prediction.map(cell)]));
  process.stdout.write(`${table.toString()}\n`);
  process.stdout.write(`${predictions.rows.length} prediction(s) from ${where.name} (${where.kind}) in ${result.latencyMs.toFixed(0)} ms\n`);
}
