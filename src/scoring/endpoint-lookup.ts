import * as fs from "node:fs";
import { ENDPOINT_KINDS, type EndpointKind } from "./payload";

/**
 * Where `score <endpoint>` finds the scoring URL and key: stack outputs (for now the JSON of
 * `pulumi stack output --json --show-secrets`, given as --outputs <file>; later the deploy flow's
 * Deployer.outputs(stack)), or flags. Kept behind `StackOutputsSource` so the source can be swapped.
 *
 * Output shapes understood (the lab program's outputs):
 *   endpoints: [{name, kind, scoringUri, key?}]  or  {<name>: {kind, scoringUri, key?}}
 *   databricksServing: {name, invocationsUrl | url}   (key: DATABRICKS_TOKEN)
 * Field aliases: scoringUri | scoringUrl | url, key | primaryKey | apiKey.
 */

export type StackOutputsSource = () => Promise<Record<string, unknown>>;

export interface ResolvedEndpoint {
  name: string;
  kind: EndpointKind;
  url: string;
  key?: string;
  keySource?: string;
}

export class EndpointLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EndpointLookupError";
  }
}

export function outputsFromFile(file: string): StackOutputsSource {
  return async () => {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      throw new EndpointLookupError(`--outputs ${file} cannot be read`);
    }
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
      // `pulumi stack output --json` prints plain values; the Automation API's {value, secret} is unwrapped too.
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) =>
          typeof v === "object" && v !== null && "value" in v && "secret" in v ? [k, (v as { value: unknown }).value] : [k, v],
        ),
      );
    } catch {
      throw new EndpointLookupError(`--outputs ${file} is not the JSON of \`pulumi stack output --json --show-secrets\``);
    }
  };
}

function str(record: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) if (typeof record[key] === "string" && record[key]) return record[key] as string;
  return undefined;
}

function asKind(value: unknown, name: string): EndpointKind {
  const kind = String(value ?? "").toLowerCase();
  if ((ENDPOINT_KINDS as readonly string[]).includes(kind)) return kind as EndpointKind;
  throw new EndpointLookupError(`endpoint "${name}" has kind "${String(value)}" in the stack outputs; expected one of ${ENDPOINT_KINDS.join(", ")}`);
}

/** Pure: finds one endpoint in stack outputs. */
export function endpointFromOutputs(outputs: Record<string, unknown>, name: string, env: NodeJS.ProcessEnv = process.env): ResolvedEndpoint {
  const entries: Array<Record<string, unknown>> = [];
  const endpoints = outputs.endpoints;
  if (Array.isArray(endpoints)) entries.push(...endpoints.filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null));
  else if (typeof endpoints === "object" && endpoints !== null) {
    for (const [key, value] of Object.entries(endpoints)) if (typeof value === "object" && value) entries.push({ name: key, ...(value as object) });
  }
  const serving = outputs.databricksServing;
  if (typeof serving === "object" && serving !== null) entries.push({ kind: "databricks", ...(serving as object) });

  const match = entries.find((e) => e.name === name);
  if (!match) {
    const names = entries.map((e) => String(e.name)).filter((n) => n !== "undefined");
    throw new EndpointLookupError(`no endpoint "${name}" in the stack outputs` + (names.length ? ` (endpoints: ${names.join(", ")})` : " (the stack has no endpoints)"));
  }
  const kind = asKind(match.kind, name);
  const url = str(match, "scoringUri", "scoringUrl", "invocationsUrl", "url");
  if (!url) throw new EndpointLookupError(`endpoint "${name}" has no scoring URL in the stack outputs yet (is it deployed?)`);
  const key = str(match, "key", "primaryKey", "apiKey");
  if (key) return { name, kind, url, key, keySource: `the stack output for "${name}"` };
  if (kind === "databricks" && env.DATABRICKS_TOKEN) return { name, kind, url, key: env.DATABRICKS_TOKEN, keySource: "DATABRICKS_TOKEN" };
  return { name, kind, url };
}
