import * as pulumi from "@pulumi/pulumi";
import { PROJECT_NAME, type LabConfig } from "../config/lab-config";
import { deriveSuffix } from "../config/suffix";
import { buildLab, type DatasetFetcher } from "../lab";
import { DEPLOY_TIME, SECRET } from "./markers";
import { PlanMocks } from "./mocks";
import { withoutProviderSerialization } from "./provider-serialization";

/**
 * Runs the lab program in-process under the Pulumi SDK's mock runtime and records every registration:
 * an engine without a CLI, a backend or credentials. Used by `mlflow-lab plan` and by the tests, which
 * assert on exactly what the program would send to Pulumi.
 */
export interface RecordedResource {
  /** Pulumi type token, e.g. `azure-native:databricks:Workspace`. */
  type: string;
  /** Logical (Pulumi) name; unique across the lab. */
  name: string;
  /** Logical name of the parent resource, or null for the top. */
  parent: string | null;
  /** false for ComponentResources. */
  custom: boolean;
  /** Inputs as registered: secrets are SECRET, dynamic providers' serialized code is left out. */
  inputs: Record<string, unknown>;
  /** Resource options as the engine receives them (not part of the plan JSON; the tests check them). */
  options: RecordedOptions;
}

export interface RecordedOptions {
  /** Logical names of everything this resource waits for (explicit dependsOn and inputs). */
  dependsOn: string[];
  /** Logical name of an explicit provider, if any. */
  provider: string | null;
  replaceOnChanges: string[];
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  customTimeouts: { create?: string; update?: string; delete?: string };
}

export interface ProgramRun {
  stack: string;
  /** The suffix the program used; when derived from the (unknown) subscription, the plan hides it. */
  suffix: string;
  suffixDerived: boolean;
  /** In tree order: parents before children, siblings by name. */
  resources: RecordedResource[];
  /** Stack outputs with secrets as SECRET. */
  outputs: Record<string, unknown>;
}

/** The plan never downloads the dataset: it shows where it will come from. */
export function planDatasetFetcher(url: string, sha256: string): string {
  return `${DEPLOY_TIME} fetched from ${url} and checked against sha256 ${sha256}`;
}

export interface RunOptions {
  stack: string;
  fetchDataset?: DatasetFetcher;
}

// The Pulumi runtime is process-global: one program run at a time.
let queue: Promise<unknown> = Promise.resolve();

function exclusively<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work);
  queue = run.catch(() => undefined);
  return run;
}

export function runLabProgram(config: LabConfig, options: RunOptions): Promise<ProgramRun> {
  return exclusively(async () => {
    const recorded = await recordProgram(options.stack, () => buildLab(config, { fetchDataset: options.fetchDataset ?? planDatasetFetcher }));
    return {
      stack: options.stack,
      suffix: config.suffix ?? deriveSuffix(PROJECT_NAME, options.stack, DEPLOY_TIME),
      suffixDerived: config.suffix === undefined,
      ...recorded,
    };
  });
}

/** What any program registers and exports (the janitor's, a lab's) under the mock runtime. */
export interface RecordedProgram {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
}

/** Runs another program of this project (e.g. the janitor) the way runLabProgram runs the lab. */
export function runProgram(stack: string, program: () => unknown): Promise<RecordedProgram> {
  return exclusively(() => recordProgram(stack, program));
}

interface Registration {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
}

function recordProgram(stack: string, program: () => unknown): Promise<RecordedProgram> {
  return withoutProviderSerialization(() => recordRegistrations(stack, program));
}

async function recordRegistrations(stack: string, program: () => unknown): Promise<RecordedProgram> {
  const registrations: Registration[] = [];
  const mocks = new PlanMocks();
  const recording: pulumi.runtime.Mocks = {
    newResource(args) {
      registrations.push({
        type: args.type,
        name: args.name,
        custom: args.custom ?? true,
        inputs: (args.inputs ?? {}) as Record<string, unknown>,
      });
      return mocks.newResource(args);
    },
    call: (args) => mocks.call(args),
  };
  // Config keys would have to use this project name; the programs take parsed configs instead.
  await pulumi.runtime.setMocks(recording, PROJECT_NAME, stack, false);
  const requests = captureRequests();

  const outputs = await program();
  const resolvedOutputs = (await resolve(outputs)) as Record<string, unknown>;
  await waitForRegistrations();

  const recorded = registrations.map((r) => {
    const request = requests.get(`${r.type}::${r.name}`);
    return {
      type: r.type,
      name: r.name,
      custom: r.custom,
      parent: request?.parent ?? null,
      inputs: cleanInputs(r.inputs),
      options: request?.options ?? emptyOptions(),
    };
  });
  return { resources: treeOrder(recorded), outputs: resolvedOutputs };
}

/**
 * MockResourceArgs carry neither the parent nor the resource options, so the request the SDK sends to
 * the (mock) monitor is observed as well. URNs end in the logical name; provider references are
 * `<urn>::<id>`.
 */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getProvider(): string;
  getReplaceonchangesList(): string[];
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

function captureRequests(): Map<string, { parent: string | null; options: RecordedOptions }> {
  const seen = new Map<string, { parent: string | null; options: RecordedOptions }>();
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, callback: unknown): unknown;
  };
  const original = monitor.registerResource.bind(monitor);
  const nameOf = (urn: string) => urn.split("::").pop() ?? urn;
  monitor.registerResource = (req, callback) => {
    const timeouts = req.getCustomtimeouts();
    const provider = req.getProvider();
    seen.set(`${req.getType()}::${req.getName()}`, {
      parent: req.getParent() ? nameOf(req.getParent()) : null,
      options: {
        dependsOn: [...new Set(req.getDependenciesList().map(nameOf))].sort(),
        provider: provider ? nameOf(provider.split("::").slice(0, -1).join("::")) : null,
        replaceOnChanges: req.getReplaceonchangesList(),
        ignoreChanges: req.getIgnorechangesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        customTimeouts: {
          ...(timeouts?.getCreate() ? { create: timeouts.getCreate() } : {}),
          ...(timeouts?.getUpdate() ? { update: timeouts.getUpdate() } : {}),
          ...(timeouts?.getDelete() ? { delete: timeouts.getDelete() } : {}),
        },
      },
    });
    return original(req, callback);
  };
  return seen;
}

function emptyOptions(): RecordedOptions {
  return { dependsOn: [], provider: null, replaceOnChanges: [], ignoreChanges: [], deleteBeforeReplace: false, customTimeouts: {} };
}

async function waitForRegistrations(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (runtime.waitForRPCs) await runtime.waitForRPCs();
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function cleanInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  const cleaned: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs)) {
    // The dynamic provider's serialized code: large and not a setting anyone reviews.
    if (key === "__provider") continue;
    const value2 = cleanValue(value);
    if (value2 !== undefined) cleaned[key] = value2;
  }
  return cleaned;
}

/**
 * Pulumi lifts secretness to the top-level property (one secret env var makes all of an ACI group's
 * `containers` secret). Hiding the whole list would hide what the plan is for, so a secret property is
 * opened and only its fields that hold secrets by name are masked; if it has none, all of it is.
 */
const SECRET_FIELDS = new Set(["secureValue", "password", "secret", "key", "token", "connectionString", "storageAccountKey"]);

/**
 * An ACI secret volume (`volumes[].secret`, file name → base64 content) is shown: the lab puts only the
 * repository's scorer files there (src/lab/endpoints/aci-files.ts), which the plan is meant to show and
 * the guardrails read; a `secret` that is a single value stays masked.
 */
function isFileMap(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
}

function cleanValue(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(cleanValue);
  if (value !== null && typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (object[SECRET_SIG_KEY] === SECRET_SIG) {
      const opened = cleanValue(object.value);
      const masked = maskSecretFields(opened);
      return masked.found ? masked.value : SECRET;
    }
    return cleanInputs(object);
  }
  return value;
}

function maskSecretFields(value: unknown): { value: unknown; found: boolean } {
  if (Array.isArray(value)) {
    const items = value.map(maskSecretFields);
    return { value: items.map((i) => i.value), found: items.some((i) => i.found) };
  }
  if (value !== null && typeof value === "object") {
    let found = false;
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (key === "secret" && isFileMap(inner)) {
        result[key] = inner;
      } else if (SECRET_FIELDS.has(key)) {
        result[key] = SECRET;
        found = true;
      } else {
        const masked = maskSecretFields(inner);
        result[key] = masked.value;
        found ||= masked.found;
      }
    }
    return { value: result, found };
  }
  return { value, found: false };
}

/** Resolves Outputs (nested in plain objects) to values; secret Outputs become SECRET. */
async function resolve(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const output = value as pulumi.Output<unknown>;
    if (await pulumi.isSecret(output)) return SECRET;
    const inner = await new Promise<unknown>((done) => output.apply((v) => done(v)));
    return resolve(inner);
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolve));
  if (value !== null && typeof value === "object") {
    const entries = await Promise.all(
      Object.entries(value as Record<string, unknown>).map(async ([k, v]) => [k, await resolve(v)] as const),
    );
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }
  return value;
}

function treeOrder(resources: RecordedResource[]): RecordedResource[] {
  const byParent = new Map<string | null, RecordedResource[]>();
  const names = new Set(resources.map((r) => r.name));
  for (const resource of resources) {
    const parent = resource.parent !== null && names.has(resource.parent) ? resource.parent : null;
    const siblings = byParent.get(parent) ?? [];
    siblings.push(resource);
    byParent.set(parent, siblings);
  }
  const ordered: RecordedResource[] = [];
  const visited = new Set<string | null>();
  const visit = (parent: string | null) => {
    // Guards against a name reused by a parent and its child (the tree keys on names).
    if (visited.has(parent)) return;
    visited.add(parent);
    const children = (byParent.get(parent) ?? []).sort((a, b) =>
      a.name === b.name ? a.type.localeCompare(b.type) : a.name.localeCompare(b.name),
    );
    for (const child of children) {
      ordered.push(child);
      visit(child.name);
    }
  };
  visit(null);
  return ordered;
}
