/**
 * What `mlflow-lab score` does once its options are parsed: find the endpoint (a URL, or a name in the
 * stack outputs the caller's reader returns) and its key, turn the input into the payload the endpoint's
 * kind expects (checked against the model's signature when given), send it, and read the predictions.
 * The command reads the input, calls scoreEndpoint and prints the result.
 */
import * as fs from "node:fs";
import { OperationFailedError, UserInputError } from "../errors";
import { registerSecret } from "../secrets/redact";
import { readModelDir } from "../models/model-dir";
import { MlmodelError, parseMlmodel } from "../models/mlmodel";
import type { ModelSignature } from "../models/signature";
import { conformTable } from "./conform";
import { EndpointError, scoringUrl, sendScoringRequest, type ScoreResult, type ScoringTarget } from "./endpoint-client";
import { EndpointLookupError, endpointFromOutputs, type StackOutputsSource } from "./endpoint-lookup";
import { parseScoringInput } from "./input";
import { buildPayload, checkRawPayload, type EndpointKind, type PayloadFormat } from "./payload";
import { ScoringInputError, type Table as Rows } from "./table";
import { ScoringResponseError } from "./response";

export interface ScoreRequest {
  /** Endpoint name in the stack outputs (or a display name with `url`). */
  endpoint?: string;
  /** Reads the input (CSV or JSON) and says where it came from, for messages; called once the endpoint is known. */
  input: () => { text: string; source: string };
  format?: PayloadFormat;
  url?: string;
  kind?: EndpointKind;
  /** Environment variable that holds the key. */
  keyEnv?: string;
  /** MLflow model folder or MLmodel file whose signature the columns are checked against. */
  model?: string;
  deployment?: string;
  timeoutMs: number;
}

export interface ScoreOutcome {
  target: ScoringTarget & { name: string };
  /** The input table as sent (absent when the input was an already wrapped payload). */
  inputs?: Rows;
  result: ScoreResult;
}

/** Signature for the column check: a model folder or an MLmodel file. */
export function readSignature(location: string): ModelSignature | undefined {
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

function requireOutputs(stackOutputs: StackOutputsSource | undefined): StackOutputsSource {
  if (!stackOutputs) throw new UserInputError("score needs --stack <stack>, --outputs <file> or --url <scoring url> to find the endpoint");
  return stackOutputs;
}

async function target(endpoint: string | undefined, options: ScoreRequest, stackOutputs: StackOutputsSource | undefined, env: NodeJS.ProcessEnv): Promise<ScoringTarget & { name: string }> {
  let key: string | undefined;
  let keySource: string | undefined;
  if (options.keyEnv) {
    key = env[options.keyEnv];
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
    if (!key && kind === "databricks" && env.DATABRICKS_TOKEN) {
      key = env.DATABRICKS_TOKEN;
      keySource = "DATABRICKS_TOKEN";
      registerSecret(key);
    }
    return { name: endpoint ?? new URL(url).host, url, kind, key, keySource, deployment: options.deployment };
  }
  if (!endpoint) throw new UserInputError("score needs an endpoint name (from the stack) or --url <scoring url>");
  try {
    const found = endpointFromOutputs(await requireOutputs(stackOutputs)(), endpoint);
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

/**
 * Scores one request against an endpoint. `stackOutputs` reads the stack outputs when the endpoint is
 * named rather than given by URL (undefined: no stack or outputs file was given).
 */
export async function scoreEndpoint(request: ScoreRequest, stackOutputs: StackOutputsSource | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ScoreOutcome> {
  const where = await target(request.endpoint, request, stackOutputs, env);
  const { text, source } = request.input();
  const signature = request.model ? readSignature(request.model) : undefined;

  let payload: Record<string, unknown>;
  let inputs: Rows | undefined;
  try {
    const input = parseScoringInput(text, source);
    if (input.kind === "table") {
      inputs = conformTable(input.table, signature);
      payload = buildPayload(inputs, where.kind, request.format);
    } else {
      if (request.format) throw new ScoringInputError(`--format ${request.format} cannot change an input that is already wrapped as "${input.payload.wrapper}"`);
      payload = checkRawPayload(input.payload, where.kind);
    }
  } catch (error) {
    if (error instanceof ScoringInputError) throw new UserInputError(error.message);
    throw error;
  }

  try {
    return { target: where, inputs, result: await sendScoringRequest(where, payload, { timeoutMs: request.timeoutMs }) };
  } catch (error) {
    if (error instanceof EndpointError || error instanceof ScoringResponseError) throw new OperationFailedError(error.message);
    throw error;
  }
}
