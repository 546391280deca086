import * as fs from "node:fs";
import { ENDPOINT_KINDS, type EndpointKind } from "./payload";

/**
 * Where `score <endpoint>` finds the scoring URL and key: the stack outputs (read through the Deployer for
 * `--stack`, or from `--outputs <file>` holding `pulumi stack output --json --show-secrets`), or flags.
 *
 * The lab program exports (src/lab/index.ts LabOutputs):
 *   endpoints:    {<name>: {kind: aci|aks|managed|databricks, scoringUri}}
 *   endpointKeys: {<name>: <key>}   (a secret; Databricks serving has none: DATABRICKS_TOKEN is used)
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

function asKind(value: unknown, name: string): EndpointKind {
  const kind = String(value ?? "").toLowerCase();
  if ((ENDPOINT_KINDS as readonly string[]).includes(kind)) return kind as EndpointKind;
  throw new EndpointLookupError(`endpoint "${name}" has kind "${String(value)}" in the stack outputs; expected one of ${ENDPOINT_KINDS.join(", ")}`);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Pure: finds one endpoint in stack outputs. */
export function endpointFromOutputs(outputs: Record<string, unknown>, name: string, env: NodeJS.ProcessEnv = process.env): ResolvedEndpoint {
  const endpoints = record(outputs.endpoints);
  const match = endpoints[name];
  if (typeof match !== "object" || match === null) {
    const names = Object.keys(endpoints);
    throw new EndpointLookupError(`no endpoint "${name}" in the stack outputs` + (names.length ? ` (endpoints: ${names.join(", ")})` : " (the stack has no endpoints)"));
  }
  const entry = match as Record<string, unknown>;
  const kind = asKind(entry.kind, name);
  const url = typeof entry.scoringUri === "string" && entry.scoringUri ? entry.scoringUri : undefined;
  if (!url) throw new EndpointLookupError(`endpoint "${name}" has no scoring URL in the stack outputs yet (is it deployed?)`);
  const key = record(outputs.endpointKeys)[name];
  if (typeof key === "string" && key) return { name, kind, url, key, keySource: `the stack output endpointKeys.${name}` };
  if (kind === "databricks" && env.DATABRICKS_TOKEN) return { name, kind, url, key: env.DATABRICKS_TOKEN, keySource: "DATABRICKS_TOKEN" };
  return { name, kind, url };
}
