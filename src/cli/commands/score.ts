import * as fs from "node:fs";
import Table from "cli-table3";
import { UserInputError } from "../../errors";
import { readStackOutputs } from "../../deploy/load-deployer";
import { stackNameOf } from "../../config/stack-settings";
import { outputsFromFile, type StackOutputsSource } from "../../scoring/endpoint-lookup";
import type { EndpointKind, PayloadFormat } from "../../scoring/payload";
import { scoreEndpoint } from "../../scoring/score";

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

/** Stack outputs from --outputs <file>, else from the deployed stack through the engine. */
function stackOutputs(options: ScoreOptions): StackOutputsSource | undefined {
  if (options.outputs) return outputsFromFile(options.outputs);
  // The stack's name is worked out when the outputs are read: with --url they never are.
  if (options.stack) return () => readStackOutputs(stackNameOf(options.stack!));
  return undefined;
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
  const { target: where, inputs, result } = await scoreEndpoint(
    { ...options, endpoint, input: () => readData(options.data), timeoutMs: timeoutSeconds * 1000 },
    stackOutputs(options),
  );
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
